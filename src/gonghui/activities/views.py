"""Activities pages: officer pages (campaigns and the scan-to-deliver phone page, trainings,
jobs and discounts, contests, bargaining, reports) and public pages (open trainings with sign-up,
jobs, discounts). Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime
import io
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

from gonghui.core import audit
from gonghui.core.cells import safe_row
from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin
from gonghui.organizations.choices import OrgLevel
from gonghui.stations.models import Station

from . import forms, selectors, services
from .choices import DiscountCategory, EnrollmentStatus, JobCategory, TrainingKind
from .models import Campaign, Discount, JobPosting, TrainingCourse


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class IndexView(OfficerViewMixin, View):
    def get(self, request):
        return render(request, "activities/index.html")


# ---- Campaigns ---------------------------------------------------------------------------------


class CampaignListView(OfficerViewMixin, View):
    def get(self, request):
        campaigns = selectors.campaign_list(user=request.user, kind=request.GET.get("kind") or None)
        page = Paginator(campaigns, 30).get_page(request.GET.get("page"))
        return render(request, "activities/campaign_list.html", {"page": page})


class CampaignCreateView(OfficerViewMixin, View):
    template = "activities/form.html"

    def _form(self, request, data=None):
        return forms.CampaignForm(data, orgs=selectors.org_options(user=request.user))

    def get(self, request):
        return render(request, self.template, {"form": self._form(request), "title": _("新建活动")})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            organizer, items = data.pop("organizer"), data.pop("items_text")
            try:
                campaign = services.campaign_create(
                    actor=request.user, organizer=organizer, items=items, **data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("活动已创建。"))
                return redirect(campaign)
        context = {"form": form, "title": _("新建活动")}
        return render(request, self.template, context, status=422)


class CampaignDetailView(OfficerViewMixin, View):
    template = "activities/campaign_detail.html"

    def get(self, request, pk, item_form=None, nonmember_form=None, status=200):
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk)
        deliveries = selectors.delivery_list(user=request.user, campaign=campaign)
        context = {
            "campaign": campaign,
            "items": selectors.campaign_items(campaign=campaign),
            "page": Paginator(deliveries, 50).get_page(request.GET.get("page")),
            "delivery_count": deliveries.count(),
            "item_form": item_form or forms.ItemForm(),
            "nonmember_form": nonmember_form or forms.NonMemberDeliveryForm(campaign=campaign),
            "invite": request.GET.get("invite"),
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk, action=Action.CHANGE)
        if request.POST.get("action") == "item":
            form = forms.ItemForm(request.POST)
            if form.is_valid():
                try:
                    services.campaign_item_add(
                        actor=request.user, campaign=campaign, **form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("物资已添加。"))
                    return redirect(campaign)
            return self.get(request, pk, item_form=form, status=422)
        form = forms.NonMemberDeliveryForm(request.POST, campaign=campaign)
        if form.is_valid():
            data = form.cleaned_data
            beneficiary = services.Beneficiary(
                name=data["beneficiary_name"],
                phone=data["beneficiary_phone"],
                occupation_group=data["occupation_group"],
            )
            try:
                delivery = services.delivery_record(
                    actor=request.user, campaign=campaign, item=data["item"],
                    beneficiary=beneficiary, site=data["site"],
                    override_reason=data["override_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已登记发放。可请受益人扫码加入工会。"))
                return redirect(f"{campaign.get_absolute_url()}?invite={delivery.pk}")
        return self.get(request, pk, nonmember_form=form, status=422)


class InviteView(OfficerViewMixin, View):
    """A join QR for a non-member beneficiary to scan with their own phone."""

    def get(self, request, pk):
        from gonghui.members.card import qr_svg_data_uri

        delivery = selectors.get(selectors.delivery_list(user=request.user), user=request.user,
                                 pk=pk)  # fmt: skip
        if delivery.member_id:
            raise Http404
        url = request.build_absolute_uri(delivery.invite_url)
        context = {"delivery": delivery, "url": url, "qr": qr_svg_data_uri(url)}
        return render(request, "activities/invite.html", context)


class ScanView(OfficerViewMixin, View):
    """The phone page at a delivery point: scan (or type) a member's e-card, see who it is and
    whether they already received the item, and record the delivery in one tap."""

    template = "activities/scan.html"

    def _context(self, request, campaign, params):
        items = list(campaign.items.all())
        item = next(
            (i for i in items if str(i.pk) == params.get("item")), items[0] if items else None
        )
        stations = Station.objects.visible_to(request.user).filter(is_active=True)
        stations = stations.filter(operator__path__subtree_of=campaign.organizer.path)[:200]
        context = {
            "campaign": campaign,
            "items": items,
            "item": item,
            "stations": stations,
            "station_id": params.get("station", ""),
            "site": params.get("site", ""),
            "token": params.get("token", "").strip(),
        }
        if context["token"]:
            member, result = selectors.member_for_card(context["token"])
            context["card_result"] = result
            if result == "valid":
                context["member"] = member
                context["off_target"] = not campaign.is_for(member)
                if item is not None:
                    context["previous"] = selectors.previous_delivery(
                        campaign=campaign, item=item, member=member
                    )
        return context

    def get(self, request, pk):
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk, action=Action.CHANGE)
        return render(request, self.template, self._context(request, campaign, request.GET))

    def post(self, request, pk):
        campaign = selectors.campaign_get(user=request.user, campaign_id=pk, action=Action.CHANGE)
        context = self._context(request, campaign, request.POST)
        member, item = context.get("member"), context["item"]
        station_id = context["station_id"]
        station = None
        if station_id.isdigit():
            station = Station.objects.visible_to(request.user).filter(pk=station_id).first()
        errors = []
        if member is None:
            errors.append(_("请先扫描有效的会员卡。"))
        elif item is None:
            errors.append(_("本活动还没有物资。"))
        else:
            try:
                services.delivery_record(
                    actor=request.user, campaign=campaign, item=item,
                    beneficiary=services.Beneficiary(member=member), station=station,
                    site=context["site"], override_reason=request.POST.get("override_reason", ""),
                )  # fmt: skip
            except ValidationError as exc:
                errors = error_messages(exc)
            else:
                messages.success(
                    request,
                    _("已向%(name)s发放%(item)s。") % {"name": member.name, "item": item.name},
                )
                query = urlencode(
                    {"item": item.pk, "station": context["station_id"], "site": context["site"]}
                )
                return redirect(f"{reverse('activities:scan', args=[campaign.pk])}?{query}")
        context["errors"] = errors
        return render(request, self.template, context, status=422)


# ---- Training: officer ------------------------------------------------------------------------


class TrainingAdminView(OfficerViewMixin, View):
    template = "activities/training_admin.html"

    def get(self, request, course_form=None, status=200):
        context = {
            "sessions": selectors.session_list(user=request.user)[:200],
            "courses": selectors.course_list(user=request.user)[:200],
            "course_form": course_form
            or forms.CourseForm(orgs=selectors.org_options(user=request.user)),
        }
        return render(request, self.template, context, status=status)

    def post(self, request):
        form = forms.CourseForm(request.POST, orgs=selectors.org_options(user=request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                course = services.course_create(actor=request.user, org=data.pop("org"), **data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("课程已创建，请添加场次。"))
                return redirect("activities:course", pk=course.pk)
        return self.get(request, course_form=form, status=422)


class CourseView(OfficerViewMixin, View):
    template = "activities/course.html"

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
        if form.is_valid():
            try:
                services.session_create(actor=request.user, course=course, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("场次已添加。"))
                return redirect("activities:course", pk=course.pk)
        return self.get(request, pk, form=form, status=422)


class SessionRosterView(OfficerViewMixin, View):
    """Roster of a session and sign-in by scanning the member's card."""

    template = "activities/roster.html"

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
        member, result = selectors.member_for_card(request.POST.get("token", ""))
        if result != "valid":
            return self.get(request, pk, errors=[_("会员卡无效、已过期或已注销。")], status=422)
        try:
            services.attendance_mark(actor=request.user, session=session, member=member)
        except ValidationError as exc:
            return self.get(request, pk, errors=error_messages(exc), status=422)
        messages.success(request, _("%(name)s已签到。") % {"name": member.name})
        return redirect("activities:roster", pk=session.pk)


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
        return render(request, "activities/trainings.html", context)


class OpenTrainingDetailView(View):
    """A session's page: seats left, and (for a signed-in worker) sign up, cancel, or see the
    place in the waitlist."""

    template = "activities/training_detail.html"

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
            "login_url": f"{reverse('members:me-login')}?{urlencode({'next': request.path})}",
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('members:me-login')}?{urlencode({'next': request.path})}")
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
        return redirect("activities:open-training", pk=pk)


# ---- Jobs and discounts -----------------------------------------------------------------------


def _position(request):
    try:
        lat = float(request.GET["lat"])
        lon = float(request.GET["lon"])
    except (KeyError, ValueError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _near_context(request, lat) -> dict:
    """What the "near me" lists say about the search: located or not, within how far, and
    the link back to the whole list (same filters, no position)."""
    params = request.GET.copy()
    for key in ("lat", "lon"):
        params.pop(key, None)
    return {
        "located": lat is not None,
        "near_km": f"{selectors.near_me_km():g}",
        "all_url": f"?{params.urlencode()}" if params else "?",
    }


class OpenJobsView(View):
    def get(self, request):
        category = request.GET.get("category") or None
        category = category if category in JobCategory.values else None
        lat, lon = _position(request)
        jobs = selectors.open_jobs(category=category, lat=lat, lon=lon)
        context = {"jobs": jobs, "categories": JobCategory.choices, "category": category,
                   **_near_context(request, lat)}  # fmt: skip
        return render(request, "activities/jobs.html", context)


class OpenDiscountsView(View):
    def get(self, request):
        category = request.GET.get("category") or None
        category = category if category in DiscountCategory.values else None
        lat, lon = _position(request)
        discounts = selectors.open_discounts(category=category, lat=lat, lon=lon)
        context = {"discounts": discounts, "categories": DiscountCategory.choices,
                   "category": category, **_near_context(request, lat)}  # fmt: skip
        return render(request, "activities/discounts.html", context)


class JobAdminView(OfficerViewMixin, View):
    def get(self, request):
        context = {
            "jobs": selectors.job_list(user=request.user)[:300],
            "discounts": selectors.discount_list(user=request.user)[:300],
            "today": timezone.localdate(),
        }
        return render(request, "activities/job_admin.html", context)


class _EditView(OfficerViewMixin, View):
    """Create (no pk) or edit one job posting or discount through its service."""

    model = None
    form_class = None
    title_new = title_edit = ""

    def _instance(self, request, pk, action=Action.VIEW):
        if pk is None:
            return None
        return selectors.get(self.model.objects.select_related("org"), user=request.user, pk=pk,
                             action=action)  # fmt: skip

    def _form(self, request, instance, data=None):
        return self.form_class(data, instance=instance,
                               orgs=selectors.org_options(user=request.user))  # fmt: skip

    def _render(self, request, form, instance, status=200):
        title = self.title_edit if instance else self.title_new
        return render(request, "activities/form.html", {"form": form, "title": title},
                      status=status)  # fmt: skip

    def get(self, request, pk=None):
        instance = self._instance(request, pk)
        return self._render(request, self._form(request, instance), instance)

    def post(self, request, pk=None):
        instance = self._instance(request, pk, Action.CHANGE)
        # Validate on a detached copy: the service re-reads the row and writes it.
        form = self._form(request, self._instance(request, pk), request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            org = data.pop("org")
            try:
                if instance is None:
                    self.create(actor=request.user, org=org, **data)
                else:
                    self.update(request.user, instance, data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("activities:job-admin")
        return self._render(request, form, instance, status=422)


class JobEditView(_EditView):
    model = JobPosting
    form_class = forms.JobForm
    title_new, title_edit = _lazy("发布岗位"), _lazy("编辑岗位")

    def create(self, **kwargs):
        return services.job_create(**kwargs)

    def update(self, actor, instance, data):
        return services.job_update(actor=actor, job=instance, **data)


class DiscountEditView(_EditView):
    model = Discount
    form_class = forms.DiscountForm
    title_new, title_edit = _lazy("发布优惠"), _lazy("编辑优惠")

    def create(self, **kwargs):
        return services.discount_create(**kwargs)

    def update(self, actor, instance, data):
        return services.discount_update(actor=actor, discount=instance, **data)


# ---- Contests, craftsmen, bargaining ----------------------------------------------------------


class ContestListView(OfficerViewMixin, View):
    def get(self, request):
        root = selectors.report_root(user=request.user)
        context = {
            "page": Paginator(selectors.contest_list(user=request.user), 50).get_page(
                request.GET.get("page")
            ),
            "craftsmen": selectors.craftsman_list(user=request.user)[:100],
            "studios": selectors.studio_list(user=request.user)[:100],
            "counts": selectors.craftsman_counts(org=root) if root else None,
        }
        return render(request, "activities/contests.html", context)


class ContestDetailView(OfficerViewMixin, View):
    """A contest: rounds, ranking, and forms to add an entry and record a score."""

    def _contest(self, request, pk, action=Action.VIEW):
        return selectors.get(selectors.contest_list(user=request.user), user=request.user, pk=pk,
                             action=action)  # fmt: skip

    def get(self, request, pk, entry_form=None, score_form=None, status=200):
        contest = self._contest(request, pk)
        context = {
            "contest": contest,
            "rounds": selectors.contest_rounds(contest=contest),
            "ranking": selectors.ranking(contest=contest),
            "entries": contest.entries.order_by("-id")[:20],
            "entry_form": entry_form or forms.EntryForm(),
            "score_form": score_form or forms.ScoreForm(contest=contest),
        }
        return render(request, "activities/contest_detail.html", context, status=status)

    def post(self, request, pk):
        contest = self._contest(request, pk, Action.CHANGE)
        if request.POST.get("action") == "entry":
            form = forms.EntryForm(request.POST)
            if form.is_valid():
                try:
                    services.contest_entry_add(actor=request.user, contest=contest,
                                               **form.cleaned_data)  # fmt: skip
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, _("已报名。"))
                    return redirect(contest)
            return self.get(request, pk, entry_form=form, status=422)
        form = forms.ScoreForm(request.POST, contest=contest)
        if form.is_valid():
            try:
                services.score_record(
                    actor=request.user, contest_round=form.cleaned_data["round"],
                    entry=form.cleaned_data["entry"], score=form.cleaned_data["score"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("成绩已录入。"))
                return redirect(contest)
        return self.get(request, pk, score_form=form, status=422)


class CraftsmanStepView(OfficerViewMixin, View):
    """Advance a craftsman candidate one step (or end the selection)."""

    def post(self, request, pk):
        from .models import Craftsman

        craftsman = selectors.get(Craftsman.objects.select_related("org"), user=request.user,
                                  pk=pk, action=Action.CHANGE)  # fmt: skip
        try:
            if request.POST.get("action") == "reject":
                services.craftsman_reject(actor=request.user, craftsman=craftsman)
            else:
                notice = request.POST.get("notice_ends_on") or None
                services.craftsman_advance(
                    actor=request.user, craftsman=craftsman,
                    notice_ends_on=datetime.date.fromisoformat(notice) if notice else None,
                )  # fmt: skip
        except ValueError:
            messages.error(request, _("请输入有效日期（YYYY-MM-DD）。"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已更新评选状态。"))
        return redirect("activities:contest-list")


class BargainingView(OfficerViewMixin, View):
    def get(self, request, form=None, status=200):
        root = selectors.report_root(user=request.user)
        context = {
            "agreements": selectors.agreement_list(user=request.user)[:200],
            "procedures": selectors.procedure_list(user=request.user)[:200],
            "congresses": selectors.congress_list(user=request.user)[:200],
            "rate": selectors.congress_rate(org=root) if root else None,
            "root": root,
            "today": timezone.localdate(),
            "form": form or forms.AgreementForm(orgs=selectors.org_options(user=request.user)),
        }
        return render(request, "activities/bargaining.html", context, status=status)

    def post(self, request):
        from gonghui.enterprises.models import Enterprise

        form = forms.AgreementForm(request.POST, orgs=selectors.org_options(user=request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            org, enterprise_id = data.pop("org"), data.pop("enterprise")
            try:
                enterprise = None
                if enterprise_id:
                    enterprise = (
                        Enterprise.objects.visible_to(request.user)
                        .filter(pk=enterprise_id)
                        .select_related("street_org")
                        .first()
                    )
                    if enterprise is None:
                        raise ValidationError({"enterprise": _("企业不存在或不在您的管辖范围内。")})
                services.agreement_create(actor=request.user, org=org, enterprise=enterprise,
                                          **data)  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("协议已登记。"))
                return redirect("activities:bargaining")
        return self.get(request, form=form, status=422)


# ---- Reports ----------------------------------------------------------------------------------


def _report_form(request):
    orgs = selectors.org_options(user=request.user, action=Action.VIEW).exclude(
        level=OrgLevel.GRASSROOTS
    )
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", datetime.date(today.year, 1, 1).isoformat())
    data.setdefault("end", today.isoformat())
    return forms.ReportForm(data, orgs=orgs)


def _report_for(request, form):
    if not form.is_valid():
        return None
    root = form.cleaned_data["org"] or selectors.report_root(user=request.user)
    if root is None:
        raise Http404
    return selectors.report(org=root, start=form.cleaned_data["start"],
                            end=form.cleaned_data["end"])  # fmt: skip


class ReportView(OfficerViewMixin, View):
    def get(self, request):
        form = _report_form(request)
        report = _report_for(request, form)
        context = {"form": form, "report": report, "query": request.GET.urlencode()}
        return render(request, "activities/report.html", context, status=200 if report else 422)


class ReportExportView(OfficerViewMixin, View):
    """The report as .xlsx: every cell through ``safe_row``, the download an audit row."""

    def get(self, request):
        from openpyxl import Workbook

        form = _report_form(request)
        report = _report_for(request, form)
        if report is None:
            raise Http404
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("普惠活动"))
        sheet.append(safe_row([report.org.name, f"{report.start} ~ {report.end}"]))
        sheet.append(safe_row([_("活动"), _("类型"), _("主办工会"), _("发放次数"), _("受益人数"),
                               _("女职工"), _("按群体")]))  # fmt: skip
        for line in report.campaigns:
            groups = "；".join(f"{label} {n}" for label, n in line.by_group)
            sheet.append(safe_row([line.campaign.name, line.campaign.kind_label,
                                   line.campaign.organizer.name, line.deliveries,
                                   line.beneficiaries, line.female, groups]))  # fmt: skip
        contests = book.create_sheet(_("竞赛"))
        contests.append(safe_row([_("竞赛"), _("开始日期"), _("结束日期"), _("参赛人次")]))
        for contest in report.contests:
            contests.append(safe_row([contest.name, contest.starts_on, contest.ends_on,
                                      contest.entry_count]))  # fmt: skip
        summary = book.create_sheet(_("汇总"))
        summary.append(safe_row([_("培训场次"), report.trainings["sessions"]]))
        summary.append(safe_row([_("培训报名"), report.trainings["enrolled"]]))
        summary.append(safe_row([_("培训签到"), report.trainings["attended"]]))
        summary.append(safe_row([_("有效工资集体协议"), report.agreements["count"]]))
        summary.append(safe_row([_("协议覆盖职工"), report.agreements["workers"]]))
        summary.append(safe_row([_("职代会建制率（%）"), report.congress.percent]))
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        audit.record_export(
            actor=request.user,
            model=Campaign,
            org_path=report.org.path,
            label=_("普惠活动报表导出"),
            filters={"org": report.org, "start": report.start, "end": report.end},
            rows=len(report.campaigns) + len(report.contests),
        )
        name = f"activities-{report.start:%Y%m%d}-{report.end:%Y%m%d}.xlsx"
        return FileResponse(out, as_attachment=True, filename=name)
