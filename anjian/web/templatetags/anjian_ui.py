"""Small template helpers of the page shell."""

from django import template

register = template.Library()

STATUS_STYLES = {
    "reported": "secondary",
    "assigned": "info",
    "rectifying": "warning",
    "submitted": "primary",
    "verified": "success",
    "closed": "dark",
}


@register.filter
def status_style(status):
    return STATUS_STYLES.get(status, "secondary")
