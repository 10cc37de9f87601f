"""Read-only admin views: every write goes through the services (and their audit rows)."""

from django.contrib import admin

from gonghui.core.admin import ReadOnlyAdmin

from .models import JobPosting


@admin.register(JobPosting)
class JobPostingAdmin(ReadOnlyAdmin):
    list_display = ["title", "employer", "category", "expires_on", "org"]
    list_filter = ["category"]
