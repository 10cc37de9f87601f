"""Aid pages: hardship aid (a worker applies on the phone or an officer at the hall; the
grassroots union, then the county, approve; the county pays; the worker sees where it stands)
and its local lines; medical mutual aid (units enrolled per year, their participants, a
worker's own enrolment, claims and payouts). Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.cases.forms import YearFilterForm
from gonghui.cases.selectors import is_officer_view, member_for_hall, members_of
from gonghui.cases.services import Conflict
from gonghui.cases.views import SignedInMixin, error_dict, hall_member
from gonghui.core.forms import apply_service_errors
from gonghui.core.views import OfficerViewMixin, form_submitted

from . import selectors, services
from .choices import AidStatus, ClaimStatus
from .forms import (
    AidFilterForm,
    ClaimForm,
    ClaimPayForm,
    DecisionForm,
    DisburseForm,
    EnrolmentForm,
    HardshipForm,
    ParticipantForm,
    SelfEnrolForm,
    ThresholdForm,
)

# ---- Hardship aid and mutual aid (officers) ----------------------------------------------------


class HardshipListView(OfficerViewMixin, View):
    def get(self, request):
        rows = (
            selectors.hardship_list(
                user=request.user, status=AidFilterForm(request.GET).chosen_status()
            )
            .annotate(paid=Sum("disbursements__amount"))
            .order_by("-created_at", "-id")
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        totals = selectors.disbursement_total(user=request.user)
        return render(
            request,
            "aid/hardship_list.html",
            {"page": page, "totals": totals, "statuses": AidStatus.choices},
        )


class HardshipDetailView(OfficerViewMixin, View):
    template = "aid/hardship_detail.html"
    forms = {"approve": DecisionForm, "reject": DecisionForm, "disburse": DisburseForm}

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
        action = request.POST.get("action", "")
        form_class = self.forms.get(action)
        if form_class is None:
            return self._render(request, application, 422, errors={"action": [_("未知操作。")]})
        form = form_class(request.POST)
        if not form.is_valid():
            keep = {"form": form} if action == "disburse" else {"errors": form.errors}
            return self._render(request, application, 422, **keep)
        data = form.cleaned_data
        try:
            if action == "approve":
                services.hardship_approve(
                    actor=request.user,
                    application=application,
                    expected_version=data["version"],
                    approved_amount=data["approved_amount"] or None,
                    note=data["note"],
                )
            elif action == "reject":
                services.hardship_reject(
                    actor=request.user,
                    application=application,
                    expected_version=data["version"],
                    note=data["note"],
                )
            else:
                services.hardship_disburse(actor=request.user, application=application, **data)
        except Conflict as conflict:
            application = selectors.hardship_get(user=request.user, application_id=pk)
            return self._render(request, application, 409, conflict=conflict.message)
        except ValidationError as exc:
            application = selectors.hardship_get(user=request.user, application_id=pk)
            keep = {"form": form} if action == "disburse" else {}
            return self._render(request, application, 422, errors=error_dict(exc), **keep)
        messages.success(request, _("已保存。"))
        return redirect("aid:hardship-detail", pk=pk)


class MutualAidView(OfficerViewMixin, View):
    """The units enrolled per year in the officer's scope, and enrolling one."""

    def _render(self, request, form, status=200):
        year = YearFilterForm(request.GET).chosen_year()
        context = {
            "summary": selectors.mutual_aid_summary(user=request.user, year=year),
            "rows": selectors.mutual_aid_list(user=request.user, year=year)[:200],
            "form": form,
        }
        return render(request, "aid/mutual_aid.html", context, status=status)

    def get(self, request):
        initial = {"year": timezone.localdate().year}
        return self._render(request, EnrolmentForm(user=request.user, initial=initial))

    def post(self, request):
        form = EnrolmentForm(request.POST, user=request.user)

        def write(union_id, **data):
            services.mutual_aid_enrol(actor=request.user, union=union_id, **data)

        if form_submitted(request, form, write, _("参保单位已登记。")):
            return redirect("aid:mutual-aid")
        return self._render(request, form, status=422)


class HardshipNewView(SignedInMixin, View):
    """A hardship application: a worker on the phone for themselves, or a service-hall officer
    for a member in their scope (by member number)."""

    template = "aid/hardship_new.html"

    def _render(self, request, form, status=200):
        officer = is_officer_view(request.user)
        members = list(members_of(user=request.user)[:1])
        context = {"form": form, "officer": officer, "member": members[0] if members else None}
        return render(request, self.template, context, status=status)

    def get(self, request):
        officer = is_officer_view(request.user)
        initial = {"period": str(timezone.localdate().year)}
        return self._render(request, HardshipForm(for_officer=officer, initial=initial))

    def post(self, request):
        officer = is_officer_view(request.user)
        members = list(members_of(user=request.user)[:1])
        form = HardshipForm(request.POST, for_officer=officer)
        if form.is_valid():
            member = hall_member(request, form, officer, members)
            if member is not None:
                try:
                    application = services.hardship_apply(
                        actor=request.user,
                        member=member,
                        period=form.cleaned_data["period"],
                        reason=form.cleaned_data["reason"],
                        household=form.household(),
                        requested_amount=form.cleaned_data["requested_amount"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc, aliases={"member_id": "member_number"})
                except Http404:
                    form.add_error(None, _("该会员不在您的管辖范围内。"))
                else:
                    messages.success(request, _("帮扶申请已提交。"))
                    if officer:
                        return redirect(application.get_absolute_url())
                    return redirect("aid:hardship-mine")
        return self._render(request, form, status=422)


class HardshipMineView(SignedInMixin, View):
    """A worker's own applications: where each stands and what has been paid."""

    def get(self, request):
        return render(
            request,
            "aid/hardship_mine.html",
            {
                "applications": selectors.hardship_of_worker(user=request.user)[:20],
                "has_member": members_of(user=request.user).exists(),
            },
        )


class ThresholdView(OfficerViewMixin, View):
    """The local means-test lines in the officer's scope, and setting one."""

    template = "aid/thresholds.html"

    def _render(self, request, form, status=200):
        rows = selectors.threshold_list(user=request.user)[:200]
        return render(request, self.template, {"form": form, "rows": rows}, status=status)

    def get(self, request):
        initial = {"union_id": request.GET.get("union")} if request.GET.get("union") else {}
        return self._render(request, ThresholdForm(user=request.user, initial=initial))

    def post(self, request):
        form = ThresholdForm(request.POST, user=request.user)
        if form_submitted(
            request, form,
            lambda union_id, monthly_income_per_capita: services.hardship_threshold_set(
                actor=request.user, union=union_id, amount=monthly_income_per_capita
            ),
            _("认定标准已保存。"),
        ):  # fmt: skip
            return redirect("aid:thresholds")
        return self._render(request, form, status=422)


# ---- Medical mutual aid: participants, a worker's own enrolment, claims and payouts ------------


class EnrolmentView(OfficerViewMixin, View):
    """One enrolled unit: its registered participants, and registering one by member number."""

    template = "aid/enrolment.html"

    def _render(self, request, enrolment, form, status=200):
        context = {
            "enrolment": enrolment,
            "participants": selectors.participants_of(enrolment=enrolment)[:500],
            "form": form,
        }
        return render(request, self.template, context, status=status)

    def get(self, request, pk):
        enrolment = selectors.enrolment_get(user=request.user, enrolment_id=pk)
        return self._render(request, enrolment, ParticipantForm())

    def post(self, request, pk):
        enrolment = selectors.enrolment_get(user=request.user, enrolment_id=pk)
        form = ParticipantForm(request.POST)
        if form.is_valid():
            member = member_for_hall(
                user=request.user, member_number=form.cleaned_data["member_number"]
            )
            if member is None:
                form.add_error("member_number", _("没有找到这个会员编号。"))
            else:
                try:
                    services.mutual_aid_participant_add(
                        actor=request.user, enrolment=enrolment, member=member
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc, aliases={"member_id": "member_number"})
                else:
                    messages.success(request, _("已登记参加职工。"))
                    return redirect("aid:enrolment-detail", pk=pk)
        return self._render(request, enrolment, form, status=422)


class MutualAidMineView(SignedInMixin, View):
    """A worker's own mutual aid: the years they take part, their claims, and taking part this
    year through a unit their union enrolled."""

    template = "aid/mutual_aid_mine.html"

    def _render(self, request, form=None, status=200):
        members = list(members_of(user=request.user)[:1])
        year = timezone.localdate().year
        open_rows = list(services.enrolments_open_to(members[0], year)) if members else []
        taken = selectors.mutual_aid_of_worker(user=request.user)
        context = {
            "member": members[0] if members else None,
            "participations": taken,
            "year": year,
            "enrolled_this_year": any(p.year == year for p in taken),
            "form": form or SelfEnrolForm(enrolments=open_rows),
        }
        return render(request, self.template, context, status=status)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        members = list(members_of(user=request.user)[:1])
        if not members:
            raise Http404
        open_rows = list(services.enrolments_open_to(members[0], timezone.localdate().year))
        form = SelfEnrolForm(request.POST, enrolments=open_rows)
        if form.is_valid():
            enrolment = next(r for r in open_rows if r.pk == form.cleaned_data["enrolment"])
            try:
                services.mutual_aid_participant_add(
                    actor=request.user, enrolment=enrolment, member=members[0]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, aliases={"member_id": "enrolment"})
            else:
                messages.success(request, _("已参加本年度医疗互助。"))
                return redirect("aid:mutual-aid-mine")
        return self._render(request, form, status=422)


class ClaimListView(OfficerViewMixin, View):
    def get(self, request):
        status = request.GET.get("status") if request.GET.get("status") in ClaimStatus else None
        rows = selectors.claim_list(user=request.user, status=status).order_by("-created_at")
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        context = {"page": page, "statuses": ClaimStatus.choices, "status": status}
        return render(request, "aid/claims.html", context)


class ClaimNewView(SignedInMixin, View):
    """A claim for one participation (``?participant=``): the worker's own, or one in the
    officer's scope at the hall."""

    template = "aid/claim_new.html"

    def _participant(self, request):
        return selectors.participant_get(
            user=request.user, participant_id=request.GET.get("participant")
        )

    def get(self, request):
        participant = self._participant(request)
        context = {"participant": participant, "form": ClaimForm()}
        return render(request, self.template, context)

    def post(self, request):
        participant = self._participant(request)
        form = ClaimForm(request.POST)
        if form.is_valid():
            try:
                claim = services.mutual_aid_claim_file(
                    actor=request.user, participant=participant, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("申领已提交。"))
                return redirect(claim.get_absolute_url())
        context = {"participant": participant, "form": form}
        return render(request, self.template, context, status=422)


class ClaimView(SignedInMixin, View):
    """One claim: where it stands (the worker's own, or in the officer's scope); the officer
    approves or refuses it and records the payment."""

    template = "aid/claim.html"
    forms = {"approve": DecisionForm, "reject": DecisionForm, "pay": ClaimPayForm}

    def _render(self, request, claim, status=200, **extra):
        officer = is_officer_view(request.user)
        context = {"claim": claim, "officer": officer, "errors": {},
                   "pay_form": extra.pop("pay_form", None) or ClaimPayForm(), **extra}  # fmt: skip
        return render(request, self.template, context, status=status)

    def get(self, request, pk):
        return self._render(request, selectors.claim_get(user=request.user, claim_id=pk))

    def post(self, request, pk):
        claim = selectors.claim_get(user=request.user, claim_id=pk)
        action = request.POST.get("action", "")
        form_class = self.forms.get(action)
        if form_class is None:
            return self._render(request, claim, 422, errors={"action": [_("未知操作。")]})
        form = form_class(request.POST)
        keep = {"pay_form": form} if action == "pay" else {}
        if not form.is_valid():
            return self._render(request, claim, 422, errors=form.errors, **keep)
        data = form.cleaned_data
        try:
            if action == "pay":
                services.mutual_aid_claim_pay(actor=request.user, claim=claim, **data)
            else:
                services.mutual_aid_claim_decide(
                    actor=request.user, claim=claim, expected_version=data["version"],
                    approve=action == "approve", approved_amount=data["approved_amount"],
                    note=data["note"],
                )  # fmt: skip
        except Conflict as conflict:
            claim = selectors.claim_get(user=request.user, claim_id=pk)
            return self._render(request, claim, 409, conflict=conflict.message)
        except ValidationError as exc:
            claim = selectors.claim_get(user=request.user, claim_id=pk)
            return self._render(request, claim, 422, errors=error_dict(exc), **keep)
        messages.success(request, _("已保存。"))
        return redirect("aid:claim-detail", pk=pk)
