import pytest

from anjian.checklists import library
from anjian.checklists.models import Checklist, ChecklistItem, ChecklistVersion, Criterion, Standard

HIGH_RISK = {
    "civil_explosives",
    "construction",
    "transport",
    "fishery",
    "mining",
    "hazardous_chemicals",
    "fireworks",
    "metallurgy",
}


@pytest.fixture
def loaded(db):
    return library.load_library()


def test_counts_of_a_fresh_load(loaded):
    assert loaded["standards"] == 2
    assert loaded["checklists"] == Checklist.objects.count() >= 12
    assert loaded["items"] == ChecklistItem.objects.count()
    assert loaded["criteria"] == Criterion.objects.count()
    sectors = set(Checklist.objects.values_list("sector_id", flat=True))
    assert HIGH_RISK <= sectors
    assert {"industry_trade", "fire", "special_equipment"} <= sectors
    categories = set(Checklist.objects.values_list("category", flat=True))
    assert {"generic", "sector", "crowded_fire", "special_equipment"} <= categories


def test_every_checklist_is_published_version_one(loaded):
    for checklist in Checklist.objects.all():
        versions = list(checklist.versions.all())
        assert [(v.number, v.status) for v in versions] == [(1, ChecklistVersion.Status.PUBLISHED)]
        assert versions[0].published_at is not None
        assert versions[0].items.count() >= 8, checklist.code


def test_the_two_standards(loaded):
    chemical = Standard.objects.get(code="huagong-2017")
    assert chemical.document == "安监总管三〔2017〕121号"
    assert list(chemical.criteria.values_list("article", "number")) == [(1, n) for n in range(1, 21)]
    assert "第1条" in chemical.note
    trade = Standard.objects.get(code="gongmao-2023")
    assert str(trade.effective) == "2023-05-15"
    articles = set(trade.criteria.values_list("article", flat=True))
    assert articles == set(range(3, 14))
    counts = {a: trade.criteria.filter(article=a).count() for a in (3, 6, 9, 10, 11, 12, 13)}
    assert counts == {3: 3, 6: 8, 9: 2, 10: 2, 11: 10, 12: 2, 13: 2}


def test_unverified_criteria_say_so(loaded):
    trade = Standard.objects.get(code="gongmao-2023")
    flagged = trade.criteria.filter(text__endswith=library.UNVERIFIED_SUFFIX)
    # Articles 12 and 13 were written from memory; article 6 was checked against a source.
    assert flagged.filter(article=12).count() == 2
    assert not flagged.filter(article=6).exists()
    assert "待核" in trade.note


def test_major_items_cite_a_criterion(loaded):
    major = ChecklistItem.objects.filter(major_by_rule=True)
    assert major.count() >= 40
    assert not major.filter(criterion=None).exists()
    assert not ChecklistItem.objects.filter(major_by_rule=False, criterion__isnull=False).exists()


def test_hazardous_chemicals_cite_all_twenty(loaded):
    version = Checklist.objects.get(sector="hazardous_chemicals").current_version()
    cited = set(
        version.items.filter(criterion__standard__code="huagong-2017").values_list(
            "criterion__number", flat=True
        )
    )
    assert cited == set(range(1, 21))


def test_trade_and_metallurgy_cite_trade_articles(loaded):
    for sector, articles in (("industry_trade", {3, 11, 12, 13}), ("metallurgy", {3, 4, 13})):
        version = Checklist.objects.get(sector=sector).current_version()
        cited = set(version.items.values_list("criterion__article", flat=True))
        assert articles <= cited, sector


def test_keys_are_unique_and_stable(loaded):
    for checklist in Checklist.objects.all():
        keys = list(checklist.current_version().items.values_list("key", flat=True))
        assert len(keys) == len(set(keys))
    assert ChecklistItem.objects.filter(key="HC-01", version__checklist__code="hazardous-chemicals").exists()


def test_load_is_idempotent(loaded):
    before = (Standard.objects.count(), Criterion.objects.count(), ChecklistItem.objects.count())
    again = library.load_library()
    assert again == {"standards": 0, "criteria": 0, "checklists": 0, "items": 0}
    assert (Standard.objects.count(), Criterion.objects.count(), ChecklistItem.objects.count()) == before


def test_an_existing_checklist_is_left_alone(db):
    existing = Checklist.objects.create(code="generic", name="本地通用表", category="generic")
    counts = library.load_library()
    existing.refresh_from_db()
    assert existing.name == "本地通用表"
    assert not existing.versions.exists()
    assert counts["checklists"] == len(library.checklist_files()) - 1


def test_a_broken_reference_loads_nothing(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: bad\nname: 坏表\ncategory: custom\nsector: null\nitems:\n"
        "  - {key: B-1, text: 条目, major_by_rule: true, criterion: {standard: huagong-2017, article: 1, number: 99}}\n",
        encoding="utf-8",
    )
    with pytest.raises(library.LibraryDataError, match="unknown criterion"):
        library.load_library(files=[bad])
    assert not Standard.objects.exists() and not Checklist.objects.exists()
