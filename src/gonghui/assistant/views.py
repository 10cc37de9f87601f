"""Assistant pages: /ask for workers (phone-first), the officers' knowledge base, and each
document's page that answers link into. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core import ratelimit
from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.selectors import org_options

from . import forms, selectors, services
from .choices import IndexStatus


def ask(request):
    """GET only (a question changes nothing): the form, and the answer when ``q`` is given."""
    form = forms.AskForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "answer": None}
    status = 200
    if form.is_bound:
        if form.is_valid():
            user = request.user if request.user.is_authenticated else None
            try:
                if user is None:
                    ratelimit.hit_caller(
                        request, address_limit="ask_address", device_limit="ask_device"
                    )
            except ratelimit.RateLimited as exc:
                context["limited"] = exc.message
                response = render(request, "assistant/ask.html", context)
                return ratelimit.with_retry_after(response, exc)
            context["answer"] = selectors.ask(
                user=user, question=form.cleaned_data["q"], org_id=form.cleaned_data["org"]
            )
        else:
            status = 422
    response = render(request, "assistant/ask.html", context, status=status)
    return ratelimit.ensure_device_cookie(request, response)


class DocumentsView(OfficerViewMixin, View):
    def get(self, request, form=None, status=200):
        documents = list(selectors.document_list(user=request.user)[:500])
        context = {
            "documents": documents,
            "form": form or forms.UploadForm(orgs=org_options(user=request.user)),
            "working": any(
                d.status in (IndexStatus.QUEUED, IndexStatus.INDEXING) for d in documents
            ),
        }
        return render(request, "assistant/documents.html", context, status=status)

    def post(self, request):
        form = forms.UploadForm(request.POST, request.FILES, orgs=org_options(user=request.user))
        if form.is_valid():
            data = form.cleaned_data
            try:
                _document, reindexed = services.document_upload(
                    actor=request.user, org=data["org"], upload=data["file"], title=data["title"],
                    source=data["source"], version=data["version"], published=data["published"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if reindexed:
                    messages.success(request, _("已上传，正在建立索引。"))
                else:
                    messages.info(request, _("内容没有变化，无需重新索引。"))
                return redirect("assistant:documents")
        return self.get(request, form=form, status=422)


def document_progress(request):
    """The status rows of the officer's documents, polled by the list while indexing."""
    if not request.user.is_authenticated or not request.user.can_read_officer_pages:
        return render(request, "assistant/_progress.html", {"documents": []}, status=404)
    documents = list(selectors.document_list(user=request.user)[:500])
    working = any(d.status in (IndexStatus.QUEUED, IndexStatus.INDEXING) for d in documents)
    context = {"documents": documents, "working": working}
    return render(request, "assistant/_progress.html", context)


class DocumentView(View):
    def get(self, request, pk):
        document = selectors.document_read(user=request.user, document_id=pk)
        context = {
            "document": document,
            "passages": selectors.document_passages(document=document),
            "can_change": request.user.is_authenticated
            and selectors.document_list(user=request.user).filter(pk=pk).exists()
            and request.user.can_read_officer_pages,
        }
        return render(request, "assistant/document.html", context)

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        document = selectors.document_get(user=request.user, document_id=pk, action=Action.CHANGE)
        if request.POST.get("action") == "delete":
            services.document_delete(actor=request.user, document=document)
            messages.success(request, _("文档已删除。"))
            return redirect("assistant:documents")
        published = request.POST.get("published") == "1"
        services.document_publish(actor=request.user, document=document, published=published)
        messages.success(request, _("已发布。") if published else _("已撤回发布。"))
        return redirect(document)
