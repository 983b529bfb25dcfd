"""No bulk write on an audited model outside anjian.core.audit's helpers (issue "One scope, one actor,
one audit path", point 4).

The runtime guard (audit.install_guard) catches what runs; this catches what is written, including
paths no test reaches. It reads every module of anjian/ and bench/ (not tests, not migrations) and
names each call chain `X.objects….update(…)`, `….bulk_create(…)`, `….bulk_update(…)` or `….delete()`
whose root `X` is the class name of an audited model. Calls written inside a `with …bulk_load(…):`
block are seeding (the demo, the benchmark), which audit.bulk_load logs with one `bulk` entry.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from anjian.core.audit import AUDITED_MODELS

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("anjian", "bench")
# The helpers themselves make the raw calls.
EXEMPT = {Path("anjian/core/audit.py")}
BULK_METHODS = {"update", "bulk_create", "bulk_update", "delete"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def audited_names():
    return {apps.get_model(label)._meta.object_name for label in AUDITED_MODELS}


def _chain_root(node):
    """(root name, the attribute right after it) of a chain like `X.objects.filter(…).update`."""
    after = None
    while True:
        if isinstance(node, ast.Attribute):
            after, node = node.attr, node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return (node.id if isinstance(node, ast.Name) else None), after


def _is_bulk_load(item):
    call = item.context_expr
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "bulk_load"


class _Finder(ast.NodeVisitor):
    def __init__(self, names):
        self.names = names
        self.seeding = 0
        self.found = []

    def visit_With(self, node):
        seeding = any(_is_bulk_load(item) for item in node.items)
        self.seeding += seeding
        self.generic_visit(node)
        self.seeding -= seeding

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in BULK_METHODS and not self.seeding:
            # `….delete()` takes no arguments on a queryset; delete(x) is something else.
            if func.attr != "delete" or not (node.args or node.keywords):
                root, after = _chain_root(func.value)
                if root in self.names and after in MANAGERS:
                    self.found.append((node.lineno, f"{root}.{after}….{func.attr}()"))
        self.generic_visit(node)


def unaudited_writes(source, names, filename="<string>"):
    """[(line, description)] of the bulk writes on audited models in `source`."""
    finder = _Finder(names)
    finder.visit(ast.parse(source, filename=filename))
    return finder.found


def scanned_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in EXEMPT or {"tests", "migrations"} & set(relative.parts):
                continue
            yield relative


def test_no_bulk_write_on_an_audited_model_outside_the_helpers():
    names = audited_names()
    assert {"Subject", "Inspection", "ChecklistItem", "User"} <= names
    files = list(scanned_files())
    assert len(files) > 100  # the walk reached the tree
    problems = [
        f"{path}:{line}: {what}"
        for path in files
        for line, what in unaudited_writes((ROOT / path).read_text(encoding="utf-8"), names, str(path))
    ]
    assert not problems, "use anjian.core.audit's helpers:\n" + "\n".join(problems)


SAMPLE = """
from anjian.core import audit

def writes(plan, rows):
    Subject.objects.filter(pk=1).update(risk_grade="red")        # 5: flagged
    Inspection.objects.bulk_create(rows)                         # 6: flagged
    Subject._base_manager.bulk_update(rows, ["name"])            # 7: flagged
    Hazard.objects.filter(subject=plan).delete()                 # 8: flagged
    Hazard.objects.all()[:5].update(level="major")               # 9: flagged
    audit.update(Subject.objects.filter(pk=1), risk_grade="red") # helpers: not flagged
    audit.bulk_create(Inspection, rows)
    PlanUnit.objects.bulk_create(rows)                           # not an audited model
    Through.objects.bulk_create(rows)                            # a many-to-many through-table
    plan.delete()                                                # an instance: the signals log it
    counts.update(a=1)                                           # a dict
    with audit.bulk_load("demo", summary={}):
        Subject.objects.bulk_create(rows)                        # seeding: one bulk entry
"""


def test_the_checker_finds_each_kind_of_bulk_write_and_nothing_else():
    found = unaudited_writes(SAMPLE, {"Subject", "Inspection", "Hazard"})
    assert [line for line, _what in found] == [5, 6, 7, 8, 9]
    assert found[0][1] == "Subject.objects….update()"


@pytest.mark.parametrize(
    "line",
    ["ChecklistItem.objects.bulk_create(items)", "Task.objects.filter(plan=p).update(order=1)"],
)
def test_the_checker_would_fail_the_build(line):
    assert unaudited_writes(line, audited_names())
