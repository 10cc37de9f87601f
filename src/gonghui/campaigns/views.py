"""Campaigns pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin, form_submitted
from gonghui.members.card import qr_svg_data_uri
from gonghui.members.selectors import member_for_card
from gonghui.organizations.selectors import org_options
from gonghui.stations.models import Station

from . import forms, selectors, services


def error_messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


class CampaignListView(OfficerViewMixin, View):
    def get(self, request):
        campaigns = selectors.campaign_list(user=request.user, kind=request.GET.get("kind") or None)
        page = Paginator(campaigns, 30).get_page(request.GET.get("page"))
        return render(request, "campaigns/campaign_list.html", {"page": page})


class CampaignCreateView(OfficerViewMixin, View):
    template = "activities/form.html"

    def _form(self, request, data=None):
        return forms.CampaignForm(data, orgs=org_options(user=request.user))

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


class CustomKindCreateView(OfficerViewMixin, View):
    """新建活动类型: the page for ``POST /api/activities/campaign-kinds`` (same service)."""

    template = "activities/form.html"

    def _render(self, request, form, status=200):
        return render(
            request, self.template, {"form": form, "title": _("新建活动类型")}, status=status
        )

    def get(self, request):
        return self._render(request, forms.CustomKindForm(orgs=org_options(user=request.user)))

    def post(self, request):
        form = forms.CustomKindForm(request.POST, orgs=org_options(user=request.user))
        if form.is_valid():
            try:
                kind = services.custom_kind_create(
                    actor=request.user, org=form.cleaned_data["org"], name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("活动类型“%(name)s”已可选用。") % {"name": kind.name})
                return redirect("campaigns:campaign-create")
        return self._render(request, form, status=422)


class CampaignDetailView(OfficerViewMixin, View):
    template = "campaigns/campaign_detail.html"

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
            if form_submitted(
                request,
                form,
                partial(services.campaign_item_add, actor=request.user, campaign=campaign),
                _("物资已添加。"),
            ):
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
        delivery = selectors.get(selectors.delivery_list(user=request.user), user=request.user,
                                 pk=pk)  # fmt: skip
        if delivery.member_id:
            raise Http404
        url = request.build_absolute_uri(delivery.invite_url)
        context = {"delivery": delivery, "url": url, "qr": qr_svg_data_uri(url)}
        return render(request, "campaigns/invite.html", context)


class ScanView(OfficerViewMixin, View):
    """The phone page at a delivery point: scan (or type) a member's e-card, see who it is and
    whether they already received the item, and record the delivery in one tap."""

    template = "campaigns/scan.html"

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
            member, result = member_for_card(context["token"])
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
                return redirect(f"{reverse('campaigns:scan', args=[campaign.pk])}?{query}")
        context["errors"] = errors
        return render(request, self.template, context, status=422)
