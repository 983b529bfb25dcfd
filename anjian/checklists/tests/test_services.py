import pytest

from anjian.checklists import services
from anjian.checklists.library import load_library
from anjian.checklists.models import Checklist, ChecklistVersion
from anjian.checklists.services import ChecklistError


@pytest.fixture
def library(world):
    load_library()
    return Checklist.objects.get(code="generic")


def test_published_versions_are_frozen(world, library):
    city = world.users["city"]
    version = library.current_version()
    item = version.items.first()
    for attempt in (
        lambda: services.add_item(city, version, key="X-1", text="新条目"),
        lambda: services.edit_item(city, item, key=item.key, text="改写"),
        lambda: services.delete_item(city, item),
        lambda: services.move_item(city, item, "down"),
        lambda: services.publish(city, version),
    ):
        with pytest.raises(ChecklistError, match="已发布") as error:
            attempt()
        assert error.value.status == 409
    item.refresh_from_db()
    assert version.items.count() == 20 and item.text.startswith("是否建立健全")


def test_revision_copies_items_and_publishes_as_next_number(world, library):
    city = world.users["city"]
    draft = services.start_revision(city, library)
    assert (draft.number, draft.status) == (2, ChecklistVersion.Status.DRAFT)
    old = list(library.current_version().items.values_list("key", "text", "criterion_id"))
    assert list(draft.items.values_list("key", "text", "criterion_id")) == old
    with pytest.raises(ChecklistError, match="已有草稿"):
        services.start_revision(city, library)
    services.add_item(city, draft, key="GEN-21", section="新增", text="是否落实安全生产责任保险。")
    first = draft.items.get(key="GEN-01")
    services.edit_item(city, first, key="GEN-01", text="改写后的条目")
    services.delete_item(city, draft.items.get(key="GEN-02"))
    services.move_item(city, draft.items.get(key="GEN-21"), "up")
    keys = list(draft.items.values_list("key", flat=True))
    assert keys[-2:] == ["GEN-21", "GEN-20"] and "GEN-02" not in keys
    assert library.current_version().number == 1  # the draft is not what inspections use yet
    services.publish(city, draft)
    current = library.current_version()
    assert current.pk == draft.pk and current.number == 2 and current.published_at
    assert library.versions.get(number=1).items.get(key="GEN-01").text.startswith("是否建立健全")
    third = services.start_revision(city, library)
    assert third.number == 3 and third.items.get(key="GEN-01").text == "改写后的条目"


def test_item_rules(world, library):
    city = world.users["city"]
    draft = services.start_revision(city, library)
    with pytest.raises(ChecklistError, match="已存在"):
        services.add_item(city, draft, key="GEN-01", text="重复编号")
    with pytest.raises(ChecklistError, match="检查内容不能为空"):
        services.add_item(city, draft, key="GEN-99", text="  ")
    with pytest.raises(ChecklistError, match="须注明判定标准条款"):
        services.add_item(city, draft, key="GEN-99", text="条目", major_by_rule=True)
    assert draft.items.count() == 20


def test_enterprise_and_grid_cannot_edit(world, library):
    for persona in ("enterprise", "grid", "town_a", "inspector"):
        with pytest.raises(ChecklistError) as error:
            services.start_revision(world.users[persona], library)
        assert error.value.status == 403
    assert library.versions.count() == 1


def test_discard_draft(world, library):
    city = world.users["city"]
    draft = services.start_revision(city, library)
    services.discard_draft(city, draft)
    assert list(library.versions.values_list("number", flat=True)) == [1]
    with pytest.raises(ChecklistError):
        services.discard_draft(city, library.current_version())
