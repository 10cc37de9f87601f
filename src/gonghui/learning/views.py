"""Learning pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.geo import near_context as _near_context
from gonghui.core.geo import position_from as _position
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin, form_submitted
from gonghui.members.selectors import member_for_card
from gonghui.organizations.selectors import org_options

from . import forms, selectors, services
from .choices import EnrollmentStatus, TrainingKind
from .models import TrainingCourse


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class TrainingAdminView(OfficerViewMixin, View):
    template = "learning/training_admin.html"

    def get(self, request, course_form=None, status=200):
        context = {
            "sessions": selectors.session_list(user=request.user)[:200],
            "courses": selectors.course_list(user=request.user)[:200],
            "course_form": course_form or forms.CourseForm(orgs=org_options(user=request.user)),
        }
        return render(request, self.template, context, status=status)

    def post(self, request):
        form = forms.CourseForm(request.POST, orgs=org_options(user=request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                course = services.course_create(actor=request.user, org=data.pop("org"), **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("课程已创建，请添加场次。"))
                return redirect("learning:course", pk=course.pk)
        return self.get(request, course_form=form, status=422)


class CourseView(OfficerViewMixin, View):
    template = "learning/course.html"

    def get(self, request, pk, form=None, status=200):
        course = selectors.get(TrainingCourse.objects.select_related("org"), user=request.user,
                               pk=pk)  # fmt: skip
        context = {
            "course": course,
            "sessions": selectors.session_list(user=request.user, course=course),
            "form": form or forms.SessionForm(),
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        course = selectors.get(TrainingCourse.objects.select_related("org"), user=request.user,
                               pk=pk, action=Action.CHANGE)  # fmt: skip
        form = forms.SessionForm(request.POST)
        if form_submitted(
            request,
            form,
            partial(services.session_create, actor=request.user, course=course),
            _("场次已添加。"),
        ):
            return redirect("learning:course", pk=course.pk)
        return self.get(request, pk, form=form, status=422)


class SessionRosterView(OfficerViewMixin, View):
    """Roster of a session and sign-in by scanning the member's card."""

    template = "learning/roster.html"

    def _session(self, request, pk, action=Action.VIEW):
        queryset = selectors.session_list(user=request.user)
        return selectors.get(queryset, user=request.user, pk=pk, action=action)

    def get(self, request, pk, errors=None, status=200):
        session = self._session(request, pk)
        context = {
            "session": session,
            "enrollments": selectors.enrollments_for(session=session),
            "errors": errors or [],
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        session = self._session(request, pk, Action.CHANGE)
        member, result = member_for_card(request.POST.get("token", ""))
        if result != "valid":
            return self.get(request, pk, errors=[_("会员卡无效、已过期或已注销。")], status=422)
        try:
            services.attendance_mark(actor=request.user, session=session, member=member)
        except ValidationError as exc:
            return self.get(request, pk, errors=error_messages(exc), status=422)
        messages.success(request, _("%(name)s已签到。") % {"name": member.name})
        return redirect("learning:roster", pk=session.pk)


# ---- Training: public and worker --------------------------------------------------------------


class OpenTrainingListView(View):
    def get(self, request):
        kind = request.GET.get("kind") or None
        if kind not in TrainingKind.values:
            kind = None
        lat, lon = _position(request)
        if lat is None:
            sessions = selectors.open_sessions(kind=kind)[:100]
        else:
            sessions = selectors.open_sessions_near(lat=lat, lon=lon, kind=kind, limit=100)
        member = selectors.member_of_user(request.user)
        mine = list(selectors.my_enrollments(member=member)) if member else []
        context = {"sessions": sessions, "kinds": TrainingKind.choices, "kind": kind, "mine": mine,
                   **_near_context(request, lat)}  # fmt: skip
        return render(request, "learning/trainings.html", context)


class OpenTrainingDetailView(View):
    """A session's page: seats left, and (for a signed-in worker) sign up, cancel, or see the
    place in the waitlist."""

    template = "learning/training_detail.html"

    def get(self, request, pk, errors=None, status=200):
        session = selectors.open_session_get(session_id=pk)
        member = selectors.member_of_user(request.user)
        enrollment = selectors.my_enrollment(member=member, session=session)
        context = {
            "session": session,
            "member": member,
            "enrollment": enrollment,
            "position": selectors.waitlist_position(enrollment) if enrollment else None,
            "seats_left": max(0, session.capacity - session.enrolled),
            "errors": errors or [],
            "login_url": f"{reverse('joining:me-login')}?{urlencode({'next': request.path})}",
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('joining:me-login')}?{urlencode({'next': request.path})}")
        session = selectors.open_session_get(session_id=pk)
        member = selectors.member_of_user(request.user)
        if member is None:
            return self.get(request, pk, errors=[_("您的账号还没有关联会员身份，请先入会。")],
                            status=422)  # fmt: skip
        try:
            if request.POST.get("action") == "cancel":
                enrollment = selectors.my_enrollment(member=member, session=session)
                if enrollment is None:
                    raise ValidationError({"session": _("您没有报名这场培训。")})
                services.enrollment_cancel(actor=request.user, enrollment=enrollment)
                messages.success(request, _("已取消报名。"))
            else:
                enrollment = services.enrollment_signup(
                    actor=request.user, session=session, member=member
                )
                if enrollment.status == EnrollmentStatus.WAITLISTED:
                    messages.success(request, _("名额已满，您已进入候补名单，有人取消时自动递补。"))
                else:
                    messages.success(request, _("报名成功。"))
        except ValidationError as exc:
            return self.get(request, pk, errors=error_messages(exc), status=422)
        return redirect("learning:open-training", pk=pk)
