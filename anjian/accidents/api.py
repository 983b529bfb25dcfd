"""Accident API: grading (being written)."""

from ninja import Router

router = Router(tags=["事故"])
