"""The knowledge base: documents a union uploads and the passages (articles, numbered items) they
are split into, each with its BM25 tokens and its embedding, so an answer always cites one."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import org_fk, user_fk
from gonghui.core.models import TimeStampedModel
from gonghui.core.scoping import ScopedQuerySet

from .choices import DocumentKind, IndexStatus


class DocumentQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(published=True)

    def askable_for(self, org_paths: list[str]):
        """Published documents of the given orgs (an org and its ancestors: a higher union's
        documents are read below it)."""
        return self.filter(published=True, org__path__in=org_paths)


class Document(TimeStampedModel):
    """A statute, policy or notice of one union (知识库文档). Published documents are readable by
    everyone below the union; drafts only by its officers."""

    org = org_fk(_("发布工会"), related_name="assistant_documents")
    title = models.CharField(_("标题"), max_length=200)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    version = models.CharField(_("版本"), max_length=100, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    kind = models.CharField(_("格式"), max_length=10, choices=DocumentKind.choices)
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    text = models.TextField(_("正文"))
    published = models.BooleanField(_("已发布"), default=True)
    status = models.CharField(
        _("索引状态"), max_length=10, choices=IndexStatus.choices, default=IndexStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("已索引段落"), default=0)
    progress_total = models.PositiveIntegerField(_("段落总数"), default=0)
    error = models.CharField(_("错误信息"), max_length=300, blank=True)
    indexed_hash = models.CharField(_("已索引内容摘要"), max_length=64, blank=True)
    indexed_at = models.DateTimeField(_("索引时间"), null=True, blank=True)
    uploaded_by = user_fk(_("上传人"))

    objects = DocumentQuerySet.as_manager()
    scope_path_lookup = "org__path"

    class Meta:
        verbose_name = _("知识库文档")
        verbose_name_plural = _("知识库文档")
        ordering = ["org__path", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "title"], name="assistant_document_title_per_org"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assistant:document", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == IndexStatus.READY else 0
        return round(100 * self.progress_done / self.progress_total)


class Passage(models.Model):
    """One article (条) or numbered item of a document, with where it sits (章/节)."""

    document = models.ForeignKey(
        Document, verbose_name=_("文档"), on_delete=models.CASCADE, related_name="passages"
    )
    ordinal = models.PositiveIntegerField(_("序号"))
    heading = models.CharField(_("章节"), max_length=200, blank=True)
    article = models.CharField(_("条款"), max_length=50, blank=True)
    text = models.TextField(_("内容"))
    # Space-joined search tokens (Simplified, rjieba), kept so the BM25 index is rebuilt from the
    # database without tokenizing again.
    tokens = models.TextField(_("分词"))
    # float16 vector of the embedding model, 384 x 2 bytes.
    embedding = models.BinaryField(_("向量"))

    objects = ScopedQuerySet.as_manager()
    scope_path_lookup = "document__org__path"

    class Meta:
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        ordering = ["document", "ordinal"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "ordinal"], name="assistant_passage_ordinal"
            )
        ]

    def __str__(self):
        return f"{self.document.title} {self.article}".strip()

    def get_absolute_url(self):
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"p{self.ordinal}"
