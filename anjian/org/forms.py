"""Choices of the organisation that many apps' forms offer: the territories a user may pick, the sectors.

They live in org, below the domain apps, so that registry, hazards, accidents and the rest can share
them without importing one another (the app layers in pyproject.toml)."""

from .models import Sector, Territory


def territory_choices(user):
    """The territory nodes `user` may filter by, indented by depth; grids only for a grid member,
    whose scope holds nothing above them."""
    visible = Territory.objects.visible_to(user)
    nodes = list(visible.exclude(level=Territory.Level.GRID).only("name", "path"))
    if not nodes:
        nodes = list(visible.only("name", "path"))
    top = min((node.depth for node in nodes), default=0)
    return [(node.pk, "\u3000" * (node.depth - top) + node.name) for node in nodes]


def sector_choices():
    """(code, name) of every sector, in the sectors' own order."""
    return list(Sector.objects.values_list("code", "name"))
