"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["course", "starts_at", "place", "capacity"]
