"""Risk API: the GB 18218 evaluation (being written)."""

from ninja import Router

router = Router(tags=["风险"])
