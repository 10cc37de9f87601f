"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import Campaign, Delivery


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
