"""Case pages: the worker's phone pages (new, mine, detail with replies) and the officer's
queue and detail (with internal notes). Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core.scoping import Action, scope_for
from gonghui.core.views import OfficerViewMixin
from gonghui.members.models import Member
from gonghui.organizations.autocomplete import OrgAutocompleteField
from gonghui.organizations.models import Organization

from . import selectors, services
from .choices import OPEN_STATUSES, AidStatus, CaseStatus
from .forms import CaseForm, DisburseForm
from .models import CaseType, Notification

# What the button says: the action, not the state it leads to.
ACTION_LABELS = {
    CaseStatus.ACCEPTED: _lazy("受理"),
    CaseStatus.IN_PROGRESS: _lazy("开始办理"),
    CaseStatus.RESOLVED: _lazy("办结"),
    CaseStatus.REJECTED: _lazy("不予受理"),
    CaseStatus.WITHDRAWN: _lazy("撤回诉求"),
}


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _apply(form, exc: ValidationError, rename: dict | None = None) -> None:
    for field, msgs in _errors(exc).items():
        field = (rename or {}).get(field, field)
        form.add_error(field if field in form.fields else None, msgs)


def _reassign_field(user, case) -> OrgAutocompleteField:
    field = OrgAutocompleteField(
        purpose="change", error_messages={"required": _("请选择承办工会。")}
    )
    field.queryset = (
        Organization.objects.visible_to(user, Action.CHANGE)
        .active()
        .exclude(pk=case.handling_union_id)
    )
    return field


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SignedInMixin:
    """Workers sign in with their phone; officers through the officer login."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('members:me-login')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)


# ---- Submit ------------------------------------------------------------------------------------


class CaseNewView(SignedInMixin, View):
    template = "cases/new.html"

    def _context(self, request):
        officer = selectors.is_officer_view(request.user)
        members = list(selectors.members_of(user=request.user)[:2])
        return officer, members

    def _type(self, request):
        code = request.GET.get("type") or request.POST.get("case_type")
        if not code:
            return None
        return CaseType.objects.filter(code=code, is_active=True).first()

    def get(self, request):
        officer, members = self._context(request)
        case_type = self._type(request)
        context = {"officer": officer, "member": members[0] if members else None}
        if case_type is None:
            context["types"] = selectors.case_types()
            context["unknown_type"] = bool(request.GET.get("type"))
            status = 404 if context["unknown_type"] else 200
            return render(request, self.template, context, status=status)
        context.update(case_type=case_type, form=CaseForm(case_type=case_type, for_officer=officer))
        return render(request, self.template, context)

    def post(self, request):
        officer, members = self._context(request)
        case_type = self._type(request)
        context = {"officer": officer, "member": members[0] if members else None}
        if case_type is None:
            context.update(types=selectors.case_types(), unknown_type=True)
            return render(request, self.template, context, status=422)
        form = CaseForm(request.POST, request.FILES, case_type=case_type, for_officer=officer)
        context.update(case_type=case_type, form=form)
        if form.is_valid():
            member = self._member(request, form, officer, members)
            if member is not None:
                try:
                    case = services.case_submit(
                        actor=request.user,
                        member=member,
                        case_type=case_type,
                        title=form.cleaned_data["title"],
                        description=form.cleaned_data["description"],
                        form_data=form.answers(),
                        files=request.FILES.getlist("attachment"),
                    )
                except ValidationError as exc:
                    _apply(form, exc, rename={"file": "attachment"})
                except Http404:
                    form.add_error(None, _("该会员不在您的管辖范围内。"))
                else:
                    messages.success(
                        request, _("诉求已提交，编号 %(ref)s") % {"ref": case.reference}
                    )
                    return redirect(case.get_absolute_url())
        return render(request, self.template, context, status=422)

    def _member(self, request, form, officer, members):
        if officer:
            number = form.cleaned_data.get("member_number", "").strip()
            member = (
                Member.objects.visible_to(request.user, Action.CHANGE)
                .filter(member_number=number)
                .select_related("union")
                .first()
            )
            if member is None:
                form.add_error("member_number", _("没有找到这个会员编号。"))
            return member
        if not members:
            form.add_error(None, _("请先加入工会，再提交诉求。"))
            return None
        return members[0]


class MyCasesView(SignedInMixin, View):
    def get(self, request):
        cases = selectors.case_list(user=request.user).order_by("-created_at", "-id")
        if selectors.is_officer_view(request.user):
            return redirect("cases:queue")
        return render(
            request,
            "cases/mine.html",
            {
                "cases": cases[:100],
                "has_member": selectors.members_of(user=request.user).exists(),
                "unread": selectors.inbox(user=request.user, unread_only=True).count(),
            },
        )


# ---- Officer queue -----------------------------------------------------------------------------


class QueueView(OfficerViewMixin, View):
    def get(self, request):
        status = request.GET.get("status") or None
        if status not in CaseStatus.values:
            status = None
        overdue = request.GET.get("overdue") == "1" or None
        if status and status not in OPEN_STATUSES:
            cases = selectors.case_list(user=request.user, status=status).order_by("-updated_at")
        else:
            cases = selectors.case_queue(user=request.user, status=status, overdue=overdue)
        page = Paginator(cases, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "cases/queue.html",
            {
                "page": page,
                "today": timezone.localdate(),
                "statuses": CaseStatus.choices,
                "status": status,
                "overdue": overdue,
                "counts": selectors.case_counts(user=request.user),
            },
        )


# ---- Detail and actions ------------------------------------------------------------------------


class CaseDetailView(SignedInMixin, View):
    template = "cases/detail.html"

    def _context(self, request, case, **extra):
        officer = selectors.is_officer_view(request.user)
        can_change = officer and scope_for(request.user, Action.CHANGE).covers(
            case.handling_union.path
        )
        worker = services.is_case_worker(request.user, case.member)
        moves = [
            to for (frm, to), who in services.TRANSITIONS.items()
            if frm == case.status and ((who == services.OFFICER and can_change)
                                       or (who == services.WORKER and worker))
        ]  # fmt: skip
        context = {
            "case": case,
            "officer": officer,
            "can_change": can_change,
            "is_worker": worker,
            "events": selectors.case_timeline(user=request.user, case=case),
            "hide_actor": not officer,
            "attachments": selectors.case_attachments(user=request.user, case=case),
            "moves": [(m, ACTION_LABELS[m]) for m in moves if m != CaseStatus.CLOSED],
            "can_close": CaseStatus.CLOSED in moves,
            "overdue": case.is_overdue(),
            "errors": {},
        }
        if can_change and case.is_open:
            # A searchable picker over the unions the officer may hand the case to.
            context["unions"] = _reassign_field(request.user, case).widget.render(
                "union_id", None, attrs={"id": "union-id"}
            )
        context.update(extra)
        return context

    def get(self, request, pk):
        case = selectors.case_get(user=request.user, case_id=pk)
        return render(request, self.template, self._context(request, case))

    def post(self, request, pk):
        case = selectors.case_get(user=request.user, case_id=pk)
        action = request.POST.get("action")
        version = _int(request.POST.get("version"))
        try:
            if action == "transition":
                services.case_transition(
                    actor=request.user,
                    case=case,
                    to_status=request.POST.get("to_status", ""),
                    expected_version=version,
                    reason=request.POST.get("reason", ""),
                    rating=_int(request.POST.get("rating")),
                    comment=request.POST.get("comment", ""),
                )
                done = _("状态已更新。")
            elif action in ("reply", "note"):
                services.case_reply(
                    actor=request.user,
                    case=case,
                    body=request.POST.get("body", ""),
                    internal=action == "note",
                )
                done = _("已发送。") if action == "reply" else _("备注已保存。")
            elif action == "reassign":
                try:
                    union = _reassign_field(request.user, case).clean(request.POST.get("union_id"))
                except ValidationError as exc:
                    raise ValidationError({"union_id": exc.messages}) from exc
                services.case_reassign(
                    actor=request.user,
                    case=case,
                    union=union,
                    expected_version=version,
                    note=request.POST.get("note", ""),
                )
                done = _("已转办。")
            elif action == "attach":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError({"file": _("没有收到文件。")})
                services.case_attach(actor=request.user, case=case, upload=upload)
                done = _("附件已上传。")
            else:
                raise ValidationError({"action": _("未知操作。")})
        except services.Conflict as conflict:
            case = selectors.case_get(user=request.user, case_id=pk)
            context = self._context(request, case, conflict=conflict.message)
            return render(request, self.template, context, status=409)
        except ValidationError as exc:
            case = selectors.case_get(user=request.user, case_id=pk)
            context = self._context(request, case, errors=_errors(exc), posted=request.POST)
            return render(request, self.template, context, status=422)
        messages.success(request, done)
        try:
            selectors.case_get(user=request.user, case_id=pk)
        except Http404:
            # Moved out of the officer's own scope (reassigned up): back to the queue.
            return redirect("cases:queue")
        return redirect("cases:detail", pk=pk)


def attachment_response(attachment) -> FileResponse:
    """The file itself, for someone the selector has already let see it. Images inline, PDFs
    as downloads; sandboxed so that nothing in a file can run in our origin."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=f"{attachment.pk}.{attachment.extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class AttachmentView(SignedInMixin, View):
    def get(self, request, pk):
        attachment = selectors.attachment_get(user=request.user, attachment_id=pk)
        return attachment_response(attachment)


class InboxView(SignedInMixin, View):
    def get(self, request):
        rows = list(selectors.inbox(user=request.user)[:100])
        Notification.objects.filter(pk__in=[r.pk for r in rows if r.read_at is None]).update(
            read_at=timezone.now()
        )
        return render(request, "cases/inbox.html", {"rows": rows})


# ---- Hardship aid and mutual aid (officers) ----------------------------------------------------


class HardshipListView(OfficerViewMixin, View):
    def get(self, request):
        rows = (
            selectors.hardship_list(user=request.user, status=request.GET.get("status") or None)
            .annotate(paid=Sum("disbursements__amount"))
            .order_by("-created_at", "-id")
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        totals = selectors.disbursement_total(user=request.user)
        return render(
            request,
            "cases/hardship_list.html",
            {"page": page, "totals": totals, "statuses": AidStatus.choices},
        )


class HardshipDetailView(OfficerViewMixin, View):
    template = "cases/hardship_detail.html"

    def _render(self, request, application, status=200, **extra):
        context = {
            "application": application,
            "payments": application.disbursements.all(),
            "form": extra.pop("form", None) or DisburseForm(),
            "errors": {},
            **extra,
        }
        return render(request, self.template, context, status=status)

    def get(self, request, pk):
        application = selectors.hardship_get(user=request.user, application_id=pk)
        return self._render(request, application)

    def post(self, request, pk):
        application = selectors.hardship_get(user=request.user, application_id=pk)
        action = request.POST.get("action")
        form = None
        try:
            if action == "approve":
                services.hardship_approve(
                    actor=request.user,
                    application=application,
                    expected_version=_int(request.POST.get("version")),
                    approved_amount=request.POST.get("approved_amount") or None,
                    note=request.POST.get("note", ""),
                )
            elif action == "reject":
                services.hardship_reject(
                    actor=request.user,
                    application=application,
                    expected_version=_int(request.POST.get("version")),
                    note=request.POST.get("note", ""),
                )
            elif action == "disburse":
                form = DisburseForm(request.POST)
                if not form.is_valid():
                    return self._render(request, application, 422, form=form)
                services.hardship_disburse(
                    actor=request.user, application=application, **form.cleaned_data
                )
            else:
                raise ValidationError({"action": _("未知操作。")})
        except services.Conflict as conflict:
            application = selectors.hardship_get(user=request.user, application_id=pk)
            return self._render(request, application, 409, conflict=conflict.message)
        except ValidationError as exc:
            application = selectors.hardship_get(user=request.user, application_id=pk)
            return self._render(request, application, 422, form=form, errors=_errors(exc))
        messages.success(request, _("已保存。"))
        return redirect("cases:hardship-detail", pk=pk)


class MutualAidView(OfficerViewMixin, View):
    def get(self, request):
        year = _int(request.GET.get("year"))
        return render(
            request,
            "cases/mutual_aid.html",
            {
                "summary": selectors.mutual_aid_summary(user=request.user, year=year),
                "rows": selectors.mutual_aid_list(user=request.user, year=year)[:200],
            },
        )
