"""Approximate town outlines for the demo map.

SYNTHETIC: these are schematic outlines computed from the approximate town centres in
org/data/wenling.yaml, NOT official administrative boundaries. Each outline is the town's Voronoi
cell (the points nearer its centre than any other town's), sampled along rays every 15° and clamped
to a plausible radius; each geometry carries `"synthetic": true` (a GeoJSON foreign member) so the
map can say so and a real boundary loaded later is never overwritten.

Idempotent and deterministic: a second run computes the same outlines and writes nothing.
"""

import math

from django.db import transaction

from anjian.org.models import Territory

STEP_DEGREES = 15
# A town of Wenling spans a few kilometres; the clamp keeps coastal and edge towns (with no
# neighbour on one side) from reaching out to sea, and crowded subdistricts from vanishing.
MIN_RADIUS_KM = 0.8
MAX_RADIUS_KM = 6.0
KM_PER_DEGREE_LAT = 110.57


def build_boundaries(progress=print):
    """Give every town without a real boundary a synthetic one. Returns the number of towns written."""
    with transaction.atomic():
        towns = list(
            Territory.objects.filter(
                level=Territory.Level.TOWN, lat__isnull=False, lon__isnull=False
            ).order_by("path")
        )
        written = 0
        for town in towns:
            if town.boundary and not town.boundary.get("synthetic"):
                continue  # a real boundary: keep it
            outline = town_outline(town, [other for other in towns if other.pk != town.pk])
            if town.boundary != outline:
                town.boundary = outline
                town.save(update_fields=["boundary"])
                written += 1
    progress(f"镇（街道）示意轮廓：新写入 {written} 个，共 {len(towns)} 个（合成，非法定界线）")
    return written


def town_outline(town, others):
    """A GeoJSON Polygon around the town's centre: along each ray, the distance to where a
    neighbour's centre becomes nearer (the perpendicular bisector), clamped."""
    lat0, lon0 = town.lat, town.lon
    km_per_degree_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    neighbours = [((o.lon - lon0) * km_per_degree_lon, (o.lat - lat0) * KM_PER_DEGREE_LAT) for o in others]
    ring = []
    # Angles counter-clockwise from east: the exterior ring winds counter-clockwise (RFC 7946 §3.1.6).
    for step in range(0, 360, STEP_DEGREES):
        angle = math.radians(step)
        dx, dy = math.cos(angle), math.sin(angle)
        radius = _ray_to_bisector(dx, dy, neighbours)
        ring.append(
            [
                round(lon0 + radius * dx / km_per_degree_lon, 5),
                round(lat0 + radius * dy / KM_PER_DEGREE_LAT, 5),
            ]
        )
    ring.append(list(ring[0]))
    return {"type": "Polygon", "coordinates": [ring], "synthetic": True}


def _ray_to_bisector(dx, dy, neighbours):
    """Distance along the unit ray (dx, dy) to the nearest bisector with a neighbour ahead of it:
    for a neighbour at v, the bisector is met at t = |v|² / (2 v·d)."""
    radius = MAX_RADIUS_KM
    for vx, vy in neighbours:
        ahead = vx * dx + vy * dy
        if ahead > 0:
            radius = min(radius, (vx * vx + vy * vy) / (2 * ahead))
    return max(radius, MIN_RADIUS_KM)
