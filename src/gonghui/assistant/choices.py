from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    TXT = "txt", _("纯文本")
    MARKDOWN = "md", "Markdown"
    HTML = "html", "HTML"


class IndexStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    INDEXING = "indexing", _("索引中")
    READY = "ready", _("可检索")
    FAILED = "failed", _("索引失败")
