"""Benefits pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View

from gonghui.core.forms import apply_service_errors
from gonghui.core.geo import near_context as _near_context
from gonghui.core.geo import position_from as _position
from gonghui.core.scoping import Action
from gonghui.core.views import OfficerViewMixin
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
                               orgs=org_options(user=request.user))  # fmt: skip

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
                return redirect("benefits:job-admin")
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
