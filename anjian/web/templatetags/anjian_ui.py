"""Small template helpers of the page shell."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

STATUS_STYLES = {
    "reported": "secondary",
    "assigned": "info",
    "rectifying": "warning",
    "submitted": "primary",
    "verified": "success",
    "closed": "dark",
}


@register.simple_tag
def optional_url(name, *args):
    """The URL named `name`, or "" while the part of the project that defines it is not installed,
    so a page can link to it behind {% if %} without failing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def status_style(status):
    return STATUS_STYLES.get(status, "secondary")
