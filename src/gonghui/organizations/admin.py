from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "level", "org_type", "region_code", "parent", "dissolved_on"]
    list_filter = ["level", "org_type"]
    search_fields = ["name", "short_name", "search_text", "credit_code"]
    ordering = ["path"]
