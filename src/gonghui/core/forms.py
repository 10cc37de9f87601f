from django.core.exceptions import ValidationError


def apply_service_errors(form, exc: ValidationError, aliases: dict | None = None) -> None:
    """Put a service's field errors on the form fields they name, others on the form.

    A service names model fields (``union_id``, ``facilities``); a form may call the same input
    ``union`` or ``facility_codes``: ``aliases`` maps the one to the other, and a trailing
    ``_id`` is dropped when the form has the bare name.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = (aliases or {}).get(name, name)
        if field not in form.fields and field.removesuffix("_id") in form.fields:
            field = field.removesuffix("_id")
        form.add_error(field if field in form.fields else None, errors)
