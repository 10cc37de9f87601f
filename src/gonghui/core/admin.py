from django.contrib import admin

from .models import AuditLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Domain rows change through services (scope + audit); the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_label", "action", "content_type", "object_repr", "ip"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "request_id"]
