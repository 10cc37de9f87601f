"""Reads of the benefits app: scoped querysets for officers, public lists for everyone."""

from __future__ import annotations

from django.utils import timezone

from gonghui.core.geo import nearest
from gonghui.core.scoping import Action, get_visible_or_404

from .models import Discount, JobPosting


def get(model_or_qs, *, user, pk, action: Action = Action.VIEW):
    queryset = model_or_qs if hasattr(model_or_qs, "model") else model_or_qs.objects.all()
    return get_visible_or_404(queryset, user, action, pk=pk)


def open_jobs(*, category=None, lat=None, lon=None, within_km=None, today=None, limit=200):
    today = today or timezone.localdate()
    jobs = JobPosting.objects.filter(expires_on__gte=today).select_related("org")
    if category:
        jobs = jobs.filter(category=category)
    return nearest(jobs.order_by("expires_on", "id"), lat, lon, limit, within_km)


def open_discounts(*, category=None, lat=None, lon=None, within_km=None, today=None, limit=200):
    today = today or timezone.localdate()
    discounts = Discount.objects.filter(valid_from__lte=today, valid_until__gte=today)
    if category:
        discounts = discounts.filter(category=category)
    discounts = discounts.select_related("org").order_by("valid_until", "id")
    return nearest(discounts, lat, lon, limit, within_km)


def job_list(*, user):
    return JobPosting.objects.visible_to(user).select_related("org").order_by("-id")


def discount_list(*, user):
    return Discount.objects.visible_to(user).select_related("org").order_by("-id")
