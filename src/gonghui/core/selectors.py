from gonghui.core.models import AuditLog


def audit_list(*, user, content_type: str | None = None, object_id: str | None = None):
    """The audit rows of the user's subtree (auditors included), newest first."""
    entries = AuditLog.objects.visible_to(user).select_related("content_type")
    if content_type:
        app_label, _dot, model = content_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if object_id:
        entries = entries.filter(object_id=object_id)
    return entries
