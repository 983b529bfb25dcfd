"""Views, APIs and exports read scoped models only through `visible_to` (ADR 0001).

Managers are not restricted by default (services, jobs and the ranking need every row), so this test
reads the source of every module that answers a user — views, API routers, Excel exports — and fails
on a query of a scoped model that does not begin with `Model.objects.visible_to(…)` or
`Model.objects.own_subject(s)(…)` (or `none()`). A line that must read unscoped says why with `# unscoped: …`."""

import ast
from pathlib import Path

from django.apps import apps

from anjian.org.scope import ScopedQuerySet

ROOT = Path(__file__).resolve().parent.parent / "anjian"
SCOPED_ENTRY_POINTS = {"visible_to", "own_subject", "own_subjects", "none"}  # none(): no rows at all
MARK = "# unscoped:"


def scoped_model_names():
    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet)
    }


def answering_modules():
    """Modules that answer users: views*.py, api.py, excel*.py and the registry's exporting module."""
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        name = path.name
        if name.startswith("views") or name == "api.py" or name.startswith("excel") or name == "exporting.py":
            yield path


def unscoped_queries(source, names):
    """(line, model) of each `Model.objects.<not visible_to>` in `source` for a model in `names`."""
    tree = ast.parse(source)
    lines = source.splitlines()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects"):
            continue
        if not (isinstance(node.value, ast.Name) and node.value.id in names):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr in SCOPED_ENTRY_POINTS:
            continue
        statement_lines = lines[node.lineno - 1 : (getattr(parent, "end_lineno", None) or node.lineno)]
        if any(MARK in line for line in statement_lines) or (
            node.lineno >= 2 and lines[node.lineno - 2].strip().startswith(MARK)
        ):
            continue
        found.append((node.lineno, node.value.id))
    return found


def test_the_checker_finds_an_unscoped_query():
    source = (
        "a = Hazard.objects.filter(pk=1)\n"
        "b = Hazard.objects.visible_to(user).filter(pk=1)\n"
        "c = Hazard.objects.count()  # unscoped: the public total\n"
        "d = Sector.objects.all()\n"
    )
    assert unscoped_queries(source, {"Hazard"}) == [(1, "Hazard")]


def test_scoped_models_are_known():
    names = scoped_model_names()
    assert {"Subject", "Hazard", "Inspection", "InspectionPlan", "Accident", "RiskEvent"} <= names


def test_views_apis_and_exports_read_scoped_models_through_visible_to():
    names = scoped_model_names()
    problems = []
    for path in answering_modules():
        for line, model in unscoped_queries(path.read_text(), names):
            problems.append(f"{path.relative_to(ROOT.parent)}:{line}: {model}.objects without visible_to")
    assert not problems, "\n".join(problems)
