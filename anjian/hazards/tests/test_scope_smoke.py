from anjian.hazards.models import Hazard
from anjian.registry.models import Subject


def test_each_persona_sees_its_subjects(world):
    seen = {
        name: set(Subject.objects.visible_to(user).values_list("name", flat=True))
        for name, user in world.users.items()
    }
    a, b, c = (world.subjects[k].name for k in ("ent_a", "ent_b", "ent_c"))
    assert seen["city"] == {a, b, c}
    assert seen["town_a"] == {a, c}
    assert seen["town_b"] == {b}
    assert seen["grid"] == {a}
    assert seen["dept"] == {a}
    assert seen["inspector"] == {a}
    assert seen["sector"] == {a}
    assert seen["enterprise"] == {a}
    assert Hazard.objects.visible_to(world.users["town_b"]).count() == 0
