"""Case pages: the worker's phone pages (new, mine, detail with replies) and the officer's
queue and detail (with internal notes). Thin: parse, call a selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core import ratelimit
from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin, form_submitted

from . import config, selectors, services
from .choices import OPEN_STATUSES, CaseStatus
from .forms import (
    AttachForm,
    CaseForm,
    CaseTypeForm,
    HolidayForm,
    MarkReadForm,
    QueueFilterForm,
    ReassignForm,
    ReplyForm,
    TransitionForm,
    YearFilterForm,
)

# What the button says: the action, not the state it leads to.
ACTION_LABELS = {
    CaseStatus.ACCEPTED: _lazy("受理"),
    CaseStatus.IN_PROGRESS: _lazy("开始办理"),
    CaseStatus.RESOLVED: _lazy("办结"),
    CaseStatus.REJECTED: _lazy("不予受理"),
    CaseStatus.WITHDRAWN: _lazy("撤回诉求"),
}


def error_dict(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


class SignedInMixin:
    """Workers sign in with their phone; officers through the officer login."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # The whole address, so a link that pre-fills a form still does after signing in.
            target = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('joining:me-login')}?{target}")
        return super().dispatch(request, *args, **kwargs)


# ---- Submit ------------------------------------------------------------------------------------


class CaseNewView(SignedInMixin, View):
    """Pick a type, then its form. A member files for themselves, a hall officer for a member by
    number; a worker who is not a member is heard too (name and workplace route the case) and
    is offered to join. ``?type=<code>&text=...`` opens the type's form with the text filled in
    (the assistant links here)."""

    template = "cases/new.html"

    def _context(self, request):
        officer = selectors.is_officer_view(request.user)
        members = list(selectors.members_of(user=request.user)[:2])
        return officer, members

    def _type(self, request):
        code = request.GET.get("type") or request.POST.get("case_type")
        if not code:
            return None
        return selectors.case_types().filter(code=code).first()

    def _form(self, request, case_type, officer, members, data=None):
        return CaseForm(
            data,
            request.FILES if data is not None else None,
            case_type=case_type,
            for_officer=officer,
            non_member=not officer and not members,
            initial={"description": request.GET.get("text", "")[:5000]},
        )

    def get(self, request):
        officer, members = self._context(request)
        case_type = self._type(request)
        context = {"officer": officer, "member": members[0] if members else None}
        if case_type is None:
            context["types"] = selectors.case_types()
            context["unknown_type"] = bool(request.GET.get("type"))
            context["text_query"] = (
                urlencode({"text": request.GET["text"][:5000]}) if request.GET.get("text") else ""
            )
            status = 404 if context["unknown_type"] else 200
            return render(request, self.template, context, status=status)
        context.update(case_type=case_type, form=self._form(request, case_type, officer, members))
        return render(request, self.template, context)

    def post(self, request):
        officer, members = self._context(request)
        case_type = self._type(request)
        context = {"officer": officer, "member": members[0] if members else None}
        if case_type is None:
            context.update(types=selectors.case_types(), unknown_type=True)
            return render(request, self.template, context, status=422)
        form = self._form(request, case_type, officer, members, data=request.POST)
        context.update(case_type=case_type, form=form)
        if not form.is_valid():
            return render(request, self.template, context, status=422)
        common = {
            "actor": request.user,
            "case_type": case_type,
            "title": form.cleaned_data["title"],
            "description": form.cleaned_data["description"],
            "form_data": form.answers(),
            "files": request.FILES.getlist("attachment"),
        }
        try:
            if officer or members:
                member = hall_member(request, form, officer, members)
                if member is None:
                    return render(request, self.template, context, status=422)
                case = services.case_submit(member=member, **common)
            else:
                case = services.case_submit_non_member(
                    applicant_name=form.cleaned_data["applicant_name"],
                    employer_name=form.cleaned_data["employer_name"],
                    work_place=form.cleaned_data["work_place"],
                    **common,
                )
        except ValidationError as exc:
            apply_service_errors(form, exc, aliases={"file": "attachment"})
        except Http404:
            form.add_error(None, _("该会员不在您的管辖范围内。"))
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            response = render(request, self.template, context, status=429)
            return ratelimit.with_retry_after(response, exc)
        else:
            messages.success(request, _("诉求已提交，编号 %(ref)s") % {"ref": case.reference})
            return redirect(case.get_absolute_url())
        return render(request, self.template, context, status=422)


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
        filters = QueueFilterForm(request.GET).filters()
        status, overdue = filters["status"], filters["overdue"]
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
                "can_configure": config.can_configure(request.user),
            },
        )


# ---- Detail and actions ------------------------------------------------------------------------


class CaseDetailView(SignedInMixin, View):
    """The case, its timeline and the moves its reader may make. Each POST names an ``action``;
    its form reads the input, the service decides and writes, and the page never re-derives
    the state machine: the buttons are ``case_allowed_transitions``."""

    template = "cases/detail.html"
    forms = {
        "transition": TransitionForm,
        "reply": ReplyForm,
        "note": ReplyForm,
        "reassign": ReassignForm,
        "attach": AttachForm,
    }

    def _context(self, request, case, **extra):
        officer = selectors.is_officer_view(request.user)
        can_change = officer and services.case_role(request.user, case) == services.OFFICER
        moves = services.case_allowed_transitions(case=case, user=request.user)
        context = {
            "case": case,
            "officer": officer,
            "can_change": can_change,
            "is_worker": services.is_case_applicant(request.user, case),
            "join_url": _join_url(case) if case.member_id is None else "",
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
            context["unions"] = ReassignForm(user=request.user, case=case).picker()
        context.update(extra)
        return context

    def get(self, request, pk):
        case = selectors.case_get(user=request.user, case_id=pk)
        return render(request, self.template, self._context(request, case))

    def post(self, request, pk):
        case = selectors.case_get(user=request.user, case_id=pk)
        action = request.POST.get("action", "")
        form_class = self.forms.get(action)
        if form_class is None:
            return self._refused(request, pk, {"action": [_("未知操作。")]})
        extra = {"user": request.user, "case": case} if form_class is ReassignForm else {}
        form = form_class(request.POST, request.FILES, **extra)
        if not form.is_valid():
            return self._refused(request, pk, form.errors)
        try:
            done = getattr(self, f"_{action}")(request, case, form.cleaned_data)
        except services.Conflict as conflict:
            case = selectors.case_get(user=request.user, case_id=pk)
            context = self._context(request, case, conflict=conflict.message)
            return render(request, self.template, context, status=409)
        except ValidationError as exc:
            return self._refused(request, pk, error_dict(exc))
        messages.success(request, done)
        try:
            selectors.case_get(user=request.user, case_id=pk)
        except Http404:
            # Moved out of the officer's own scope (reassigned up): back to the queue.
            return redirect("cases:queue")
        return redirect("cases:detail", pk=pk)

    def _refused(self, request, pk, errors):
        case = selectors.case_get(user=request.user, case_id=pk)
        context = self._context(request, case, errors=errors)
        return render(request, self.template, context, status=422)

    def _transition(self, request, case, data):
        services.case_transition(
            actor=request.user,
            case=case,
            to_status=data["to_status"],
            expected_version=data["version"],
            reason=data["reason"],
            rating=data["rating"],
            comment=data["comment"],
        )
        return _("状态已更新。")

    def _reply(self, request, case, data, internal=False):
        services.case_reply(actor=request.user, case=case, body=data["body"], internal=internal)
        return _("备注已保存。") if internal else _("已发送。")

    def _note(self, request, case, data):
        return self._reply(request, case, data, internal=True)

    def _reassign(self, request, case, data):
        services.case_reassign(
            actor=request.user,
            case=case,
            union=data["union_id"],
            expected_version=data["version"],
            note=data["note"],
        )
        return _("已转办。")

    def _attach(self, request, case, data):
        services.case_attach(actor=request.user, case=case, upload=data["file"])
        return _("附件已上传。")


def _join_url(case) -> str:
    """The join page, filled in with what a non-member's appeal already says."""
    fields = {"name": case.applicant_name, "phone": case.applicant_phone,
              "employer_name": case.employer_name, "work_place": case.work_place}  # fmt: skip
    return f"{reverse('joining:join')}?{urlencode({k: v for k, v in fields.items() if v})}"


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
    """The user's messages, newest first. Reading the page changes nothing; the button marks
    what it showed as read."""

    def get(self, request):
        rows = list(selectors.inbox(user=request.user)[:100])
        unread = [row.pk for row in rows if row.read_at is None]
        return render(
            request, "cases/inbox.html", {"rows": rows, "up_to": max(unread, default=None)}
        )

    def post(self, request):
        form = MarkReadForm(request.POST)
        if form.is_valid():
            services.notifications_mark_read(
                actor=request.user, up_to_id=form.cleaned_data["up_to"]
            )
            messages.success(request, _("已全部标为已读。"))
        return redirect("cases:inbox")


def hall_member(request, form, officer: bool, members: list):
    """Who a filing is for: the member a hall officer names by number (in scope), else the
    signed-in worker's own record. None with a field error on the form when there is none."""
    if officer:
        member = selectors.member_for_hall(
            user=request.user, member_number=form.cleaned_data.get("member_number", "")
        )
        if member is None:
            form.add_error("member_number", _("没有找到这个会员编号。"))
        return member
    if not members:
        form.add_error(None, _("请先加入工会，再提交。"))
        return None
    return members[0]


# ---- Configuration: case types and their questions, the holiday calendar ----------------------


class ConfigureMixin(SignedInMixin):
    """Only those who configure for everyone below them (province officers and up); anyone
    else gets the 404 an unknown page gives."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not config.can_configure(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CaseTypeListView(ConfigureMixin, View):
    def get(self, request):
        types = selectors.case_types(active_only=False)
        return render(request, "cases/case_types.html", {"types": types})


class CaseTypeEditView(ConfigureMixin, View):
    """Create a type (no ``pk``) or change one, with its questions."""

    template = "cases/case_type_form.html"

    def _type(self, pk):
        if pk is None:
            return None
        case_type = selectors.case_types(active_only=False).filter(pk=pk).first()
        if case_type is None:
            raise Http404
        return case_type

    def get(self, request, pk=None):
        case_type = self._type(pk)
        form = CaseTypeForm(case_type=case_type)
        return render(request, self.template, {"form": form, "case_type": case_type})

    def post(self, request, pk=None):
        case_type = self._type(pk)
        form = CaseTypeForm(request.POST, case_type=case_type)
        if form.is_valid():
            values = form.values()
            if case_type is None:
                values["code"] = form.cleaned_data["code"]
            try:
                config.case_type_save(actor=request.user, case_type=case_type, **values)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("诉求类型已保存。"))
                return redirect("cases:case-types")
        context = {"form": form, "case_type": case_type}
        return render(request, self.template, context, status=422)


class HolidayView(ConfigureMixin, View):
    """One year's holidays and make-up workdays; setting or clearing a day."""

    template = "cases/holidays.html"

    def _render(self, request, form, year, status=200):
        context = {
            "form": form,
            "year": year,
            "days": selectors.holidays(year=year),
            "years": (year - 1, year + 1),
        }
        return render(request, self.template, context, status=status)

    def _year(self, request):
        return YearFilterForm(request.GET).chosen_year() or timezone.localdate().year

    def get(self, request):
        return self._render(request, HolidayForm(), self._year(request))

    def post(self, request):
        form = HolidayForm(request.POST)
        if form_submitted(
            request, form,
            lambda date, kind, name: config.holiday_set(
                actor=request.user, date=date, kind=kind or None, name=name
            ),
            _("节假日安排已保存。"),
        ):  # fmt: skip
            return redirect(f"{reverse('cases:holidays')}?year={form.cleaned_data['date'].year}")
        return self._render(request, form, self._year(request), status=422)
