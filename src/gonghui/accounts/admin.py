from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gonghui.core import audit
from gonghui.core.models import AuditAction

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name", "phone"]
    autocomplete_fields = []
    raw_id_fields = ["organization"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("工会角色"), {"fields": ["role", "organization", "display_name", "phone"]}),
    ]

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            instance=obj,
            org_path=obj.organization.path if obj.organization_id else "",
            changes=audit.diff(before, audit.snapshot(obj)),
        )
