"""The plan's task tree as nested nodes for templates, and its source text cut into the spans of the
tasks (so review can show which words became which task)."""

from dataclasses import dataclass, field

from .models import Task
from .services import quantity_text, split_points


@dataclass
class Node:
    task: Task
    units: list
    targets: list
    children: list = field(default_factory=list)
    next_sibling: Task | None = None
    split_points: list = field(default_factory=list)


def plan_tree(plan):
    """Top-level nodes in document order, each with its units, targets and children."""
    tasks = list(plan.tasks.order_by("order", "id").prefetch_related("units__unit", "targets"))
    nodes = {}
    for task in tasks:
        targets = list(task.targets.all())
        for target in targets:
            target.quantity_text = quantity_text(target.quantity)
        points = [(at, sentence[-30:]) for at, sentence in split_points(task.text)]
        nodes[task.pk] = Node(task, list(task.units.all()), targets, split_points=points)
    roots = []
    for task in tasks:
        siblings = nodes[task.parent_id].children if task.parent_id in nodes else roots
        if siblings:
            siblings[-1].next_sibling = task
        siblings.append(nodes[task.pk])
    return roots


def source_segments(plan):
    """The source text as consecutive segments: (text, task or None, unplaced?)."""
    text = plan.source_text
    spans = []
    for task in plan.tasks.exclude(source_start=None).exclude(source_end=None).order_by("source_start"):
        spans.append((task.source_start, task.source_end, task))
    for piece in plan.unplaced or []:
        if isinstance(piece, dict) and piece.get("start") is not None and piece.get("end") is not None:
            spans.append((piece["start"], piece["end"], None))
    spans.sort(key=lambda span: span[0])
    segments, position = [], 0
    for start, end, task in spans:
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue  # overlapping after an edit: the earlier span keeps the text
        if start > position:
            segments.append((text[position:start], None, False))
        segments.append((text[start:end], task, task is None))
        position = end
    if position < len(text):
        segments.append((text[position:], None, False))
    return segments
