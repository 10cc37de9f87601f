"""The founding panel of an enterprise's page (its cases, and the form that opens one): the
enterprises app sits below this one and shows it through ``{% load founding %}``."""

from django import template

from ..forms import FoundingOpenForm
from ..selectors import enterprise_founding_cases

register = template.Library()


@register.inclusion_tag("founding/_enterprise_panel.html", takes_context=True)
def founding_panel(context, enterprise):
    open_form = FoundingOpenForm(
        initial={"target": "enterprise", "union_name": enterprise.name + "工会"}
    )
    return {
        "enterprise": enterprise,
        "user": context["user"],
        "csrf_token": context.get("csrf_token"),
        "cases": enterprise_founding_cases(enterprise=enterprise),
        "open_form": open_form,
    }
