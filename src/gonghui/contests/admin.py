"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import Contest, Craftsman


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = ["name", "org", "starts_on", "ends_on"]
    search_fields = ["name"]


@admin.register(Craftsman)
class CraftsmanAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "employer", "year", "status"]
    list_filter = ["status", "year"]
