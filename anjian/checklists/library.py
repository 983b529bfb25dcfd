"""Load the shipped library (data/standards.yaml and data/checklists/*.yaml) into the database.

Idempotent: standards, criteria and checklists are found by their codes; what is already there is
left alone (never duplicated, never overwritten, so an edited checklist keeps its edits), and only
the missing pieces are created. Checklists arrive as version 1, published.
"""

from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.context import acting_as, system_actor
from anjian.org.models import Sector
from anjian.org.seed import SECTOR_NAMES

from .models import Checklist, ChecklistItem, ChecklistVersion, Criterion, Standard

DATA_DIR = Path(__file__).parent / "data"
STANDARDS_FILE = DATA_DIR / "standards.yaml"
CHECKLIST_DIR = DATA_DIR / "checklists"
# Appended to a criterion paraphrased from memory, so nobody takes it for the checked text.
UNVERIFIED_SUFFIX = "【待核：请以官方文本为准】"
# Who the change log names for the shipped library: it arrives with the software, not from a person.
LIBRARY_ACTOR = system_actor("checklist-library")


class LibraryDataError(Exception):
    """The shipped data is inconsistent (a programming error in data/, caught by the tests)."""


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def checklist_files():
    return sorted(CHECKLIST_DIR.glob("*.yaml"))


def criterion_text(data):
    text = data["text"].strip()
    if data.get("confidence") == "unverified":
        text += UNVERIFIED_SUFFIX
    return text


def _load_standards(counts):
    for data in _read(STANDARDS_FILE)["standards"]:
        standard, created = Standard.objects.get_or_create(
            code=data["code"],
            defaults={
                "title": data["title"],
                "document": data.get("document", ""),
                "effective": data.get("effective"),
                "note": data.get("note", "").strip(),
            },
        )
        counts["standards"] += created
        existing = set(standard.criteria.values_list("article", "number"))
        missing = [
            Criterion(
                standard=standard,
                article=c["article"],
                number=c["number"],
                industry=c.get("industry", ""),
                text=criterion_text(c),
            )
            for c in data["criteria"]
            if (c["article"], c["number"]) not in existing
        ]
        Criterion.objects.bulk_create(missing)
        counts["criteria"] += len(missing)


def criteria_index():
    """{(standard code, article, number): Criterion} of every criterion in the database."""
    return {(c.standard.code, c.article, c.number): c for c in Criterion.objects.select_related("standard")}


def resolve_reference(reference, index):
    """The Criterion a YAML reference ({standard, article, number}) points at, or None if unknown."""
    try:
        key = (str(reference["standard"]), int(reference["article"]), int(reference["number"]))
    except (KeyError, TypeError, ValueError):
        return None
    return index.get(key)


def _sector(code):
    if not code:
        return None
    name, high_risk = SECTOR_NAMES.get(code, (code, False))
    # The organisation seed normally made it already; a bare test database may not have it.
    sector, _ = Sector.objects.get_or_create(code=code, defaults={"name": name, "high_risk": high_risk})
    return sector


def _items(data, index, source):
    items, keys = [], set()
    for n, raw in enumerate(data["items"], start=1):
        where = f"{source} {raw.get('key', f'#{n}')}"
        if raw["key"] in keys:
            raise LibraryDataError(f"{where}: duplicate key")
        keys.add(raw["key"])
        criterion = None
        if raw.get("criterion") is not None:
            criterion = resolve_reference(raw["criterion"], index)
            if criterion is None:
                raise LibraryDataError(f"{where}: unknown criterion {raw['criterion']}")
        if bool(raw.get("major_by_rule")) != (criterion is not None):
            raise LibraryDataError(f"{where}: major_by_rule and criterion disagree")
        items.append(
            ChecklistItem(
                key=raw["key"],
                order=n,
                section=raw.get("section", ""),
                text=raw["text"].strip(),
                method=raw.get("method", ""),
                legal_basis=raw.get("legal_basis", ""),
                major_by_rule=criterion is not None,
                criterion=criterion,
            )
        )
    return items


def _load_checklist(data, index, source, counts):
    if Checklist.objects.filter(code=data["code"]).exists():
        return
    items = _items(data, index, source)
    checklist = Checklist.objects.create(
        code=data["code"],
        name=data["name"],
        category=data["category"],
        sector=_sector(data.get("sector")),
        description=(data.get("description") or "").strip(),
    )
    version = ChecklistVersion.objects.create(
        checklist=checklist,
        number=1,
        status=ChecklistVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        note="内置检查表",
    )
    for item in items:
        item.version = version
    audit.bulk_create(ChecklistItem, items)
    counts["checklists"] += 1
    counts["items"] += len(items)


def load_library(files=None, *, actor=LIBRARY_ACTOR):
    """Create what is missing of the shipped library (or of the given checklist `files`), as `actor`
    (the system actor "checklist-library" unless a user loads it). Returns the counts of what was
    created."""
    counts = {"standards": 0, "criteria": 0, "checklists": 0, "items": 0}
    with acting_as(actor), transaction.atomic():
        _load_standards(counts)
        index = criteria_index()
        for path in files if files is not None else checklist_files():
            _load_checklist(_read(path), index, path.name, counts)
    return counts
