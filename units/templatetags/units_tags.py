from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str) -> str:
    """The query string that sorts the list by `field`, toggling the direction,
    keeping every filter and going back to page 1."""
    params: QueryDict = context["request"].GET.copy()
    current = params.get("o", "")
    params["o"] = f"-{field}" if current == field else field
    params.pop("page", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_state(context, field: str) -> str:
    current = context["request"].GET.get("o", "")
    if current == field:
        return "ascending"
    if current == f"-{field}":
        return "descending"
    return "none"
