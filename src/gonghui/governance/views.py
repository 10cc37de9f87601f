"""Governance pages: committees and terms, 对口联系, the 六强 evaluation. Thin: parse, call a
selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action, scope_for
from gonghui.core.views import OfficerViewMixin, submit
from gonghui.organizations.choices import OrgLevel
from gonghui.organizations.selectors import org_options

from . import forms, selectors, services
from .choices import EvaluationStatus


def _may_change(user) -> bool:
    return not scope_for(user, Action.CHANGE).is_empty


def _provinces(user, action=Action.CHANGE):
    return org_options(user=user, action=action).filter(level=OrgLevel.PROVINCE)


class IndexView(OfficerViewMixin, View):
    """换届 overdue and due soon below the user's union, reminders, and the links onwards."""

    def get(self, request):
        user = request.user
        return render(
            request,
            "governance/index.html",
            {
                "overdue": selectors.terms_overdue(user=user)[:200],
                "due_soon": selectors.terms_due_soon(user=user)[:200],
                "reminders": selectors.reminders_for(user=user),
                "today": timezone.localdate(),
            },
        )


class CommitteeListView(OfficerViewMixin, View):
    def context(self, request, form=None):
        org_id = request.GET.get("org")
        org_id = int(org_id) if org_id and org_id.isdigit() else None
        return {
            "committees": selectors.committee_list(user=request.user, org_id=org_id)[:300],
            "form": form or forms.ElectForm(choices={"org": org_options(user=request.user)}),
            "can_change": _may_change(request.user),
            "today": timezone.localdate(),
        }

    def get(self, request):
        return render(request, "governance/committees.html", self.context(request))

    def post(self, request):
        form = forms.ElectForm(request.POST, choices={"org": org_options(user=request.user)})

        def elect(**data):
            committee = services.committee_elect(actor=request.user, **data)
            return reverse("governance:committee", args=[committee.pk])

        done = submit(request, form, elect, _("新一届委员会已记录。"))
        return done or render(
            request, "governance/committees.html", self.context(request, form), status=422
        )


class CommitteeDetailView(OfficerViewMixin, View):
    def context(self, request, committee, seat_form=None):
        return {
            "committee": committee,
            "election": getattr(committee, "election", None),
            "seats": selectors.committee_seats(committee=committee),
            "seat_form": seat_form or forms.SeatForm(),
            "end_form": forms.SeatEndForm(),
            "can_change": scope_for(request.user, Action.CHANGE).covers(committee.org.path),
            "today": timezone.localdate(),
        }

    def get(self, request, pk):
        committee = selectors.committee_get(user=request.user, committee_id=pk)
        return render(request, "governance/committee.html", self.context(request, committee))

    def post(self, request, pk):
        committee = selectors.committee_get(
            user=request.user, committee_id=pk, action=Action.CHANGE
        )
        here = reverse("governance:committee", args=[committee.pk])
        if request.POST.get("seat"):
            seat = (
                selectors.committee_seats(committee=committee)
                .filter(pk=request.POST["seat"])
                .first()
            )
            if seat is None:
                raise Http404
            form = forms.SeatEndForm(request.POST)

            def end(ends_on):
                services.seat_end(actor=request.user, seat=seat, ends_on=ends_on)
                return here

        else:
            form = forms.SeatForm(request.POST)

            def end(member_number, **data):
                member = selectors.member_by_number(user=request.user, number=member_number)
                services.seat_add(actor=request.user, committee=committee, member=member, **data)
                return here

        done = submit(request, form, end, _("已保存。"))
        if done:
            return done
        context = self.context(
            request, committee, form if isinstance(form, forms.SeatForm) else None
        )
        if not isinstance(form, forms.SeatForm):
            context["end_form"] = form
        return render(request, "governance/committee.html", context, status=422)


class PairingView(OfficerViewMixin, View):
    """对口联系: the province's departments, coverage (paired / all county unions) and the
    unpaired, with the forms to add a department and pair a county."""

    def context(self, request, department_form=None, pairing_form=None):
        user = request.user
        provinces = list(selectors.provinces_for(user=user))
        coverages = [selectors.pairing_coverage(user=user, province=p) for p in provinces]
        change_provinces = _provinces(user)
        departments = selectors.department_list(user=user).filter(province__in=change_provinces)
        return {
            "coverages": coverages,
            "department_form": department_form
            or forms.DepartmentForm(choices={"province": change_provinces}),
            "pairing_form": pairing_form
            or forms.PairingForm(
                choices={
                    "county": selectors.county_options(user=user),
                    "department": departments,
                }
            ),
            "can_change": change_provinces.exists(),
        }

    def get(self, request):
        return render(request, "governance/pairings.html", self.context(request))

    def post(self, request):
        user = request.user
        here = reverse("governance:pairings")
        if request.POST.get("action") == "department":
            form = forms.DepartmentForm(request.POST, choices={"province": _provinces(user)})

            def call(**data):
                services.department_create(actor=user, **data)
                return here

            done = submit(request, form, call, _("省直部门已添加。"))
            context = self.context(request, department_form=form)
        else:
            departments = selectors.department_list(user=user).filter(province__in=_provinces(user))
            form = forms.PairingForm(
                request.POST,
                choices={"county": selectors.county_options(user=user), "department": departments},
            )

            def call(**data):
                services.pairing_set(actor=user, **data)
                return here

            done = submit(request, form, call, _("对口联系已保存。"))
            context = self.context(request, pairing_form=form)
        return done or render(request, "governance/pairings.html", context, status=422)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


class SixStrongView(OfficerViewMixin, View):
    """六强: the league table of a year (per province or city: ``under``), year on year; the
    indicators; opening a county's evaluation."""

    def context(self, request, indicator_form=None, open_form=None):
        user = request.user
        year = _year(request)
        under = None
        if request.GET.get("under", "").isdigit():
            under = (
                org_options(user=user, action=Action.VIEW)
                .filter(pk=int(request.GET["under"]), level__in=[OrgLevel.PROVINCE, OrgLevel.CITY])
                .first()
            )
        return {
            "year": year,
            "under": under,
            "areas": org_options(user=user, action=Action.VIEW).filter(
                level__in=[OrgLevel.PROVINCE, OrgLevel.CITY]
            )[:100],
            "table": selectors.league_table(user=user, year=year, under=under),
            "indicators": selectors.indicator_list(user=user, year=year),
            "indicator_form": indicator_form
            or forms.IndicatorForm(initial={"year": year}, choices={"province": _provinces(user)}),
            "open_form": open_form
            or forms.EvaluationOpenForm(
                initial={"year": year}, choices={"county": selectors.county_options(user=user)}
            ),
            "can_configure": _provinces(user).exists(),
            "can_open": selectors.county_options(user=user).exists(),
        }

    def get(self, request):
        return render(request, "governance/six_strong.html", self.context(request))

    def post(self, request):
        user = request.user
        if request.POST.get("action") == "indicator":
            form = forms.IndicatorForm(request.POST, choices={"province": _provinces(user)})

            def call(**data):
                indicator = services.indicator_create(actor=user, **data)
                return f"{reverse('governance:six-strong')}?year={indicator.year}"

            done = submit(request, form, call, _("指标已添加。"))
            context = self.context(request, indicator_form=form)
        else:
            form = forms.EvaluationOpenForm(
                request.POST, choices={"county": selectors.county_options(user=user)}
            )

            def call(**data):
                evaluation = services.evaluation_open(actor=user, **data)
                return reverse("governance:evaluation", args=[evaluation.pk])

            done = submit(request, form, call, _("评估已建立，数据指标已自动测量。"))
            context = self.context(request, open_form=form)
        return done or render(request, "governance/six_strong.html", context, status=422)


class EvaluationView(OfficerViewMixin, View):
    def context(self, request, evaluation, score_errors=None, advance_form=None):
        stage_field = services.STAGE_FIELD.get(evaluation.status)
        may_act = False
        if evaluation.status != EvaluationStatus.SIGNED_OFF:
            try:
                services.stage_actor_check(request.user, evaluation)
                may_act = True
            except (ValidationError, Http404):
                may_act = False
        return {
            "evaluation": evaluation,
            "scores": list(evaluation.scores.all()),
            "stage_field": stage_field,
            "may_act": may_act,
            "score_errors": score_errors or {},
            "advance_form": advance_form or forms.AdvanceForm(),
        }

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, evaluation_id=pk)
        return render(request, "governance/evaluation.html", self.context(request, evaluation))

    def post(self, request, pk):
        evaluation = selectors.evaluation_get(
            user=request.user, evaluation_id=pk, action=Action.CHANGE
        )
        here = reverse("governance:evaluation", args=[evaluation.pk])
        action = request.POST.get("action")
        if action == "score":
            score = selectors.score_get(user=request.user, score_id=request.POST.get("score"))
            if score.evaluation_id != evaluation.pk:
                raise Http404
            form = forms.ScoreForm(request.POST, request.FILES)

            def call(value, evidence, evidence_note):
                services.score_set(actor=request.user, score=score, value=value,
                                   evidence=evidence, evidence_note=evidence_note)  # fmt: skip
                return here

            done = submit(request, form, call, _("得分已保存。"))
            if done:
                return done
            errors = {score.pk: [e for errs in form.errors.values() for e in errs]}
            evaluation = selectors.evaluation_get(user=request.user, evaluation_id=pk)
            context = self.context(request, evaluation, score_errors=errors)
        elif action == "advance":
            form = forms.AdvanceForm(request.POST)

            def call(comment):
                services.evaluation_advance(actor=request.user, evaluation=evaluation,
                                            comment=comment)  # fmt: skip
                return here

            done = submit(request, form, call, _("已提交。"))
            if done:
                return done
            evaluation = selectors.evaluation_get(user=request.user, evaluation_id=pk)
            context = self.context(request, evaluation, advance_form=form)
        elif action == "remeasure":
            try:
                services.evaluation_remeasure(actor=request.user, evaluation=evaluation)
            except ValidationError as exc:
                form = forms.AdvanceForm()
                apply_service_errors(form, exc)
                evaluation = selectors.evaluation_get(user=request.user, evaluation_id=pk)
                context = self.context(request, evaluation, advance_form=form)
            else:
                messages.success(request, _("数据指标已重新测量。"))
                return redirect(here)
        else:
            raise Http404
        return render(request, "governance/evaluation.html", context, status=422)


class EvidenceView(OfficerViewMixin, View):
    """An uploaded evidence file, for someone who may see the evaluation; always a download,
    sandboxed."""

    def get(self, request, pk):
        score = selectors.score_get(user=request.user, score_id=pk, action=Action.VIEW)
        if not score.evidence:
            raise Http404
        try:
            handle = score.evidence.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        extension = score.evidence.name.rsplit(".", 1)[-1].lower()
        response = FileResponse(
            handle, as_attachment=True, filename=f"evidence-{score.pk}.{extension}"
        )
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
