"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import WageAgreement, WorkerCongress


@admin.register(WageAgreement)
class WageAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "org", "increase_pct", "valid_from", "valid_until"]
    list_filter = ["level", "review_status"]


@admin.register(WorkerCongress)
class WorkerCongressAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "term_number", "term_starts_on", "term_ends_on"]
