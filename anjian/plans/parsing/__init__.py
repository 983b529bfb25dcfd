"""The plan parser (docs/plans.md, "The parser"): pure functions, no database writes."""

from .parse import PlanTextError, parse_plan
from .reading import read_document
from .result import Node, ParseResult, RuleRef, TargetRef, UnitRef, Unplaced

__all__ = [
    "Node",
    "ParseResult",
    "PlanTextError",
    "RuleRef",
    "TargetRef",
    "UnitRef",
    "Unplaced",
    "parse_plan",
    "read_document",
]
