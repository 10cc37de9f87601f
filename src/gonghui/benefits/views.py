"""Benefits pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import copy

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core.geo import near_context as _near_context
from gonghui.core.geo import position_from as _position
from gonghui.core.scoping import Action
from gonghui.core.views import FormPage, OfficerViewMixin
from gonghui.organizations.selectors import org_options

from . import forms, selectors, services
from .choices import DiscountCategory, JobCategory
from .models import Discount, JobPosting


class OpenJobsView(View):
    def get(self, request):
        category = request.GET.get("category") or None
        category = category if category in JobCategory.values else None
        lat, lon = _position(request)
        jobs = selectors.open_jobs(category=category, lat=lat, lon=lon)
        context = {"jobs": jobs, "categories": JobCategory.choices, "category": category,
                   **_near_context(request, lat)}  # fmt: skip
        return render(request, "benefits/jobs.html", context)


class OpenDiscountsView(View):
    def get(self, request):
        category = request.GET.get("category") or None
        category = category if category in DiscountCategory.values else None
        lat, lon = _position(request)
        discounts = selectors.open_discounts(category=category, lat=lat, lon=lon)
        context = {"discounts": discounts, "categories": DiscountCategory.choices,
                   "category": category, **_near_context(request, lat)}  # fmt: skip
        return render(request, "benefits/discounts.html", context)


class JobAdminView(OfficerViewMixin, View):
    def get(self, request):
        context = {
            "jobs": selectors.job_list(user=request.user)[:300],
            "discounts": selectors.discount_list(user=request.user)[:300],
            "today": timezone.localdate(),
        }
        return render(request, "benefits/job_admin.html", context)


class _EditView(FormPage):
    """Create (no pk) or edit one job posting or discount through its service."""

    model = None
    form_class = None
    title_new = title_edit = ""
    done = _lazy("已保存。")

    def get_object(self, request, pk):
        if pk is None:
            return None
        return selectors.get(self.model.objects.select_related("org"), user=request.user, pk=pk,
                             action=Action.CHANGE)  # fmt: skip

    def form(self, request, obj, data=None):
        # Validate on a detached copy: the service re-reads the row and writes it.
        return self.form_class(data, instance=copy.copy(obj),
                               orgs=org_options(user=request.user))  # fmt: skip

    def render_form(self, request, form, status=200):
        title = self.title_edit if form.instance.pk else self.title_new
        return render(request, self.template, {"form": form, "title": title}, status=status)

    def save(self, request, obj, org, **data):
        if obj is None:
            self.create(actor=request.user, org=org, **data)
        else:
            self.update(request.user, obj, data)
        return "benefits:job-admin"


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
