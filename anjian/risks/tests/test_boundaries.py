"""The demo's synthetic town outlines: closed, valid, around their town, not over a neighbour's
centre; idempotent; a real boundary is left alone."""

import pytest

from anjian.core import audit
from anjian.demo.boundaries import build_boundaries
from anjian.org.models import Territory

pytestmark = pytest.mark.django_db


def inside(point, ring):
    """Ray casting: is the point (lon, lat) inside the closed ring?"""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def segments_cross(a, b, c, d):
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return orient(a, b, c) * orient(a, b, d) < 0 and orient(c, d, a) * orient(c, d, b) < 0


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def towns():
    return list(Territory.objects.filter(level=Territory.Level.TOWN).order_by("path"))


def test_every_town_gets_a_valid_closed_polygon(world):
    assert build_boundaries(progress=lambda _m: None) == 17
    all_towns = towns()
    for town in all_towns:
        geometry = town.boundary
        assert geometry["type"] == "Polygon" and geometry["synthetic"] is True
        [ring] = geometry["coordinates"]
        assert len(ring) >= 4 and ring[0] == ring[-1]
        assert len({tuple(p) for p in ring[:-1]}) == len(ring) - 1  # no repeated vertex
        assert signed_area(ring) > 0  # counter-clockwise exterior ring (RFC 7946)
        edges = list(zip(ring, ring[1:], strict=False))
        for i, (a, b) in enumerate(edges):
            for c, d in edges[i + 2 :]:
                if c != ring[-2] or i != 0:
                    assert not segments_cross(a, b, c, d), town.name
        assert inside((town.lon, town.lat), ring), town.name
        for other in all_towns:
            if other.pk != town.pk:
                assert not inside((other.lon, other.lat), ring), (town.name, other.name)


def test_idempotent_and_keeps_real_boundaries(world):
    messages = []
    build_boundaries(progress=messages.append)
    before = {t.pk: t.boundary for t in towns()}
    real = {"type": "Polygon", "coordinates": [[[121.3, 28.4], [121.4, 28.4], [121.4, 28.5], [121.3, 28.4]]]}
    audit.update(Territory.objects.filter(pk=world.town_b.pk), boundary=real)
    assert build_boundaries(progress=messages.append) == 0
    after = {t.pk: t.boundary for t in towns()}
    assert after[world.town_b.pk] == real
    assert {k: v for k, v in after.items() if k != world.town_b.pk} == {
        k: v for k, v in before.items() if k != world.town_b.pk
    }
    assert "合成" in messages[0]
    # A synthetic outline that was cleared is written again, the same as before.
    audit.update(Territory.objects.filter(pk=world.town_a.pk), boundary=None)
    assert build_boundaries(progress=messages.append) == 1
    assert Territory.objects.get(pk=world.town_a.pk).boundary == before[world.town_a.pk]
