"""The founding workflow's pages: the list, a case with its steps, and the forms that post
to the founding services (the same as the API's)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin, form_submitted
from gonghui.enterprises import selectors as enterprise_selectors

from . import selectors, services
from .choices import REQUIRED_DOCUMENTS, FoundingStatus, FoundingStep
from .forms import CancelForm, DocumentForm, FoundingOpenForm, StepForm


class FoundingOpenView(OfficerViewMixin, View):
    def post(self, request, pk):
        enterprise = enterprise_selectors.enterprise_get(
            user=request.user, enterprise_id=pk, action=Action.CHANGE
        )
        form = FoundingOpenForm(request.POST)
        if form.is_valid():
            try:
                case = services.founding_case_open(
                    actor=request.user,
                    target=form.cleaned_data["target"],
                    union_name=form.cleaned_data["union_name"],
                    enterprises=[enterprise],
                )
            except ValidationError as exc:
                for error in exc.messages:
                    messages.error(request, error)
            else:
                return redirect(case)
        return redirect(enterprise)


def _step_form(request, case, row, data=None):
    officers = enterprise_selectors.grid_officer_choices(user=request.user, org=case.parent_org)
    initial = {"due_on": row.due_on, "responsible": row.responsible_id, "note": row.note}
    return StepForm(data, officers=officers, initial=initial, prefix=f"step-{row.step}")


class FoundingDetailView(OfficerViewMixin, View):
    def get(self, request, pk, form=None, status=200, step_form=None, cancel_form=None):
        case = selectors.founding_case_get(user=request.user, case_id=pk)
        rows = selectors.founding_steps(case)
        steps = [
            (row, REQUIRED_DOCUMENTS[FoundingStep(row.step)],
             step_form if step_form is not None and step_form.prefix == f"step-{row.step}"
             else _step_form(request, case, row))
            for row in rows
        ]  # fmt: skip
        required = REQUIRED_DOCUMENTS[FoundingStep(case.current_step)]
        context = {
            "case": case,
            "steps": steps,
            "events": selectors.founding_timeline(case),
            "document_form": form or DocumentForm(initial={"doc_type": required}),
            "cancel_form": cancel_form or CancelForm(),
            "is_open": case.status == FoundingStatus.OPEN,
        }
        return render(request, "founding/detail.html", context, status=status)


class FoundingStepEditView(OfficerViewMixin, View):
    """A step's deadline and responsible officer (``founding_step_update``, as the API)."""

    def post(self, request, pk, step):
        case = selectors.founding_case_get(user=request.user, case_id=pk, action=Action.CHANGE)
        row = case.steps.filter(step=step).first()
        if row is None:
            raise Http404
        form = _step_form(request, case, row, request.POST)

        def perform(**fields):
            services.founding_step_update(actor=request.user, step=row, **fields)

        if form_submitted(request, form, perform, _("步骤已更新。")):
            return redirect(case)
        return FoundingDetailView().get(request, pk, status=422, step_form=form)


class FoundingCancelView(OfficerViewMixin, View):
    def post(self, request, pk):
        case = selectors.founding_case_get(user=request.user, case_id=pk, action=Action.CHANGE)
        form = CancelForm(request.POST)

        def perform(reason):
            services.founding_case_cancel(actor=request.user, case=case, reason=reason)

        if form_submitted(request, form, perform, _("建会流程已终止。")):
            return redirect(case)
        return FoundingDetailView().get(request, pk, status=422, cancel_form=form)


class FoundingUploadView(OfficerViewMixin, View):
    def post(self, request, pk, step):
        case = selectors.founding_case_get(user=request.user, case_id=pk, action=Action.CHANGE)
        row = case.steps.filter(step=step).first()
        form = DocumentForm(request.POST, request.FILES)
        if row is not None and form.is_valid():
            try:
                services.founding_document_add(
                    actor=request.user,
                    step=row,
                    doc_type=form.cleaned_data["doc_type"],
                    uploaded=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("材料已上传。"))
                return redirect(case)
        return FoundingDetailView().get(request, pk, form=form, status=422)


class FoundingSignOffView(OfficerViewMixin, View):
    def post(self, request, pk, step):
        case = selectors.founding_case_get(user=request.user, case_id=pk, action=Action.CHANGE)
        try:
            case = services.founding_step_sign_off(
                actor=request.user, case=case, step=step, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            if case.status == FoundingStatus.ESTABLISHED:
                messages.success(request, _("工会已成立。"))
            else:
                messages.success(request, _("已签批，进入下一步骤。"))
        return redirect(case)


class FoundingListView(OfficerViewMixin, View):
    def get(self, request):
        cases = selectors.founding_case_list(
            user=request.user,
            status=request.GET.get("status") or None,
            overdue=request.GET.get("overdue") == "1",
        )
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
        context = {"page": page, "today": timezone.localdate()}
        return render(request, "founding/list.html", context)


class DocumentDownloadView(OfficerViewMixin, View):
    """Founding documents are served only through the scope check, never from a public URL."""

    def get(self, request, pk):
        document = selectors.founding_document_get(user=request.user, document_id=pk)
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
