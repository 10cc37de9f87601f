"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import (
    Campaign,
    Contest,
    Craftsman,
    Delivery,
    JobPosting,
    TrainingSession,
    WageAgreement,
    WorkerCongress,
)


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organizer", "starts_on", "ends_on", "allow_repeat"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["delivered_at", "campaign", "item", "member", "beneficiary_name", "is_repeat"]
    list_filter = ["is_repeat", "occupation_group"]
    raw_id_fields = ["member", "campaign", "item", "station", "officer"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["course", "starts_at", "place", "capacity"]


@admin.register(JobPosting)
class JobPostingAdmin(ReadOnlyAdmin):
    list_display = ["title", "employer", "category", "expires_on", "org"]
    list_filter = ["category"]


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = ["name", "org", "starts_on", "ends_on"]
    search_fields = ["name"]


@admin.register(Craftsman)
class CraftsmanAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "employer", "year", "status"]
    list_filter = ["status", "year"]


@admin.register(WageAgreement)
class WageAgreementAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "org", "increase_pct", "valid_from", "valid_until"]
    list_filter = ["level", "review_status"]


@admin.register(WorkerCongress)
class WorkerCongressAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "term_number", "term_starts_on", "term_ends_on"]
