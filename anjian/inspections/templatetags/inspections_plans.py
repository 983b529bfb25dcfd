"""Template filters of the plan pages (the 举一反三 button on the hazard page asks `can_plan`)."""

from django import template

from anjian.inspections import permissions

register = template.Library()


@register.filter
def can_plan(user):
    return permissions.can_plan(user)
