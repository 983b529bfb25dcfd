"""The parse of a work plan as plain dataclasses, and its JSON (docs/plans.md, "The parser")."""

from dataclasses import dataclass, field


@dataclass
class UnitRef:
    """A responsible unit as written (`name`) with its role and the matched unit's id (or None).

    `inherited`: copied from the item onto a sub-point that names no unit of its own.
    `expanded`: one of the units a group name (市安委会各成员单位, 各镇（街道）…) stands for."""

    name: str
    role: str
    unit_id: int | None = None
    inherited: bool = False
    expanded: bool = False

    def to_json(self):
        return {
            "name": self.name,
            "role": self.role,
            "unit_id": self.unit_id,
            "inherited": self.inherited,
            "expanded": self.expanded,
        }


@dataclass
class TargetRef:
    """A quantitative target: 95 艘 安全示范渔船; 90 % 规上企业开展标准化建设, 以上, 年底前."""

    quantity: int | float
    unit: str
    what: str
    comparison: str = ""
    deadline: str = ""

    def to_json(self):
        return {
            "quantity": self.quantity,
            "unit": self.unit,
            "what": self.what,
            "comparison": self.comparison,
            "deadline": self.deadline,
        }


@dataclass
class RuleRef:
    """A frequency rule with a number ("每月至少带队检查1次"): kept apart from the targets."""

    text: str
    quantity: int | float
    unit: str

    def to_json(self):
        return {"text": self.text, "quantity": self.quantity, "unit": self.unit}


@dataclass
class Node:
    """A chapter, item or sub-point. `start`/`end`: its span in the source (from its number to its
    last character); the spans of all nodes and the unplaced pieces never overlap."""

    number: str
    level: str
    title: str
    text: str
    start: int
    end: int
    units: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    children: list = field(default_factory=list)

    def to_json(self):
        return {
            "number": self.number,
            "level": self.level,
            "title": self.title,
            "text": self.text,
            "units": [unit.to_json() for unit in self.units],
            "targets": [target.to_json() for target in self.targets],
            "rules": [rule.to_json() for rule in self.rules],
            "start": self.start,
            "end": self.end,
            "children": [child.to_json() for child in self.children],
        }


@dataclass
class Unplaced:
    text: str
    start: int
    end: int

    def to_json(self):
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class ParseResult:
    title: str
    year: int | None
    nodes: list
    unplaced: list

    def walk(self):
        """Every node, depth first in document order."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def to_json(self):
        return {
            "title": self.title,
            "year": self.year,
            "nodes": [node.to_json() for node in self.nodes],
            "unplaced": [piece.to_json() for piece in self.unplaced],
        }
