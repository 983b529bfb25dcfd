"""Every service names its actor (issue "One scope, one actor, one audit path", point 3).

Each public function of a services*.py module whose name says it changes state takes the acting user
(or a system actor for jobs) as its first parameter `actor`, and runs under it: decorated with
anjian.core.context.actor_function, or entering `acting_as(actor)` itself, so every change-log entry
its writes make names who acted.
"""

import importlib
import inspect
from pathlib import Path

import pytest

from anjian.core.context import actor_function

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "anjian").glob("*/services*.py")
)
# Names that say "this changes something": a prefix followed by "_", or the whole name.
VERBS = {
    "accept", "add", "assess", "close", "commit", "compute", "consolidate", "create", "delete",
    "discard", "edit", "ensure", "finish", "import", "issue", "merge", "move", "perform", "propagate",
    "publish", "record", "remove", "reorder", "report", "save", "set", "sign", "split", "start",
    "submit", "transition", "update",
}  # fmt: skip
# Changing names that take no actor, each with the reason.
ALLOWED = {
    # Finds the year's scheme, creating the default one once: it runs under whoever asked (compute_run
    # acts as its actor; the scheme page's view as the request's user), and changes no existing row.
    "anjian.ranking.services.ensure_scheme",
    # Readers whose names start like verbs: where a task's text could be split, and which targets a
    # task's report covers.
    "anjian.plans.services.split_points",
    "anjian.plans.services_tracking.report_targets",
    # A date computation over the holiday table ("add" as in arithmetic): it reads, never writes.
    "anjian.workdays.services.add_working_days",
}
_ACTOR_WRAPPER = actor_function(lambda actor: actor).__code__


def _changing(name):
    return name.split("_", 1)[0] in VERBS


def service_functions():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module_name:
                continue
            if _changing(name):
                yield f"{module_name}.{name}", fn


def _runs_as_actor(fn):
    layer = fn
    while layer is not None:
        if getattr(layer, "__code__", None) is _ACTOR_WRAPPER:
            return True
        layer = getattr(layer, "__wrapped__", None)
    return "acting_as(actor)" in inspect.getsource(inspect.unwrap(fn))


def test_the_walk_finds_the_services():
    names = dict(service_functions())
    assert len(MODULES) >= 15
    assert {"anjian.plans.services.import_plan", "anjian.ranking.services_scheme.save_scheme"} <= set(names)
    assert not any(name.endswith(("visible_plan", "public_seed", "clean_item")) for name in names)


def test_every_changing_service_takes_the_actor_first_and_acts_as_it():
    wrong = []
    for name, fn in service_functions():
        if name in ALLOWED:
            continue
        params = list(inspect.signature(fn).parameters)
        if not params or params[0] != "actor":
            wrong.append(f"{name}: first parameter is {params[:1] or 'missing'}, not actor")
        elif not _runs_as_actor(fn):
            wrong.append(f"{name}: neither @actor_function nor `with acting_as(actor)`")
    assert not wrong, "\n".join(wrong)


def test_the_allow_list_names_only_real_functions():
    names = {name for name, _fn in service_functions()}
    assert ALLOWED <= names


@pytest.mark.parametrize("verb", ["create_thing", "publish", "update"])
def test_a_changing_name_is_recognised(verb):
    assert _changing(verb)


def test_a_reading_name_is_not():
    assert not _changing("visible_interviews") and not _changing("plan_roles")
