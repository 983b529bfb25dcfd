"""Recording accidents: scope, roles, grading on save, code, all-or-nothing; periods and targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.models import Accident, KeyPeriod, YearTarget
from anjian.core.models import Attachment
from anjian.org.models import Territory

from .helpers import days_ago, png, record


def test_town_records_for_its_subject_place_and_sector_come_from_it(world):
    subject = world.subjects["ent_c"]
    accident = record(world.users["town_a"], subject, deaths=3, photos=[png()])
    assert accident.territory_id == subject.territory_id and accident.town_id == world.town_a.pk
    assert accident.sector_id == "construction"
    assert accident.level == "larger" and accident.level_reason == "死亡3人（3人以上10人以下），为较大事故"
    year = timezone.localtime(accident.occurred_at).year
    assert accident.code == f"SG{year}000001"
    assert accident.attachments.count() == 1
    assert accident.recorded_by == world.users["town_a"]
    assert record(world.users["city"], subject).code == f"SG{year}000002"


def test_town_b_cannot_record_for_a_town_a_subject(world):
    with pytest.raises(Http404):
        record(world.users["town_b"], world.subjects["ent_a"])
    assert Accident.objects.count() == 0


def test_grid_and_enterprise_may_not_record(world):
    for name in ("grid", "enterprise", "inspector"):
        with pytest.raises(services.AccidentError) as error:
            record(world.users[name], world.subjects["ent_a"])
        assert error.value.status == 403
    assert Accident.objects.count() == 0


def test_without_subject_the_territory_must_be_in_scope(world):
    road = {
        "territory": world.town_b.pk,
        "sector": "road_traffic",
        "accident_type": "vehicle",
        "place": "G228",
    }
    with pytest.raises(Http404):
        record(world.users["town_a"], **road)
    accident = record(world.users["town_b"], **road)
    assert accident.subject is None and accident.town_id == world.town_b.pk
    with pytest.raises(services.AccidentError, match="请选择事故发生的辖区"):
        record(world.users["town_b"], sector="road_traffic")


def test_department_may_not_record_outside_its_sectors(world):
    # 市应急管理局 supervises industry_trade etc., not road traffic: whatever the place, refused.
    with pytest.raises(services.AccidentError) as error:
        record(world.users["dept"], territory=world.town_b.pk, sector="road_traffic")
    assert error.value.status == 403 and "道路交通" in error.value.message
    assert Accident.objects.count() == 0
    accident = record(world.users["dept"], territory=world.town_b.pk, sector="industry_trade")
    assert accident.sector_id == "industry_trade"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"deaths": -1}, "死亡人数不能为负数"),
        ({"serious_injuries": "1.5"}, "应为整数"),
        ({"direct_loss_yuan": "abc"}, "直接经济损失不是有效金额"),
        ({"accident_type": "alien"}, "事故类型"),
        ({"place": " "}, "请填写发生地点"),
        ({"occurred_at": days_ago(-2)}, "发生时间不能晚于现在"),
        ({"reported_at": days_ago(5)}, "报告时间不能早于发生时间"),
        ({"occurred_at": None}, "请填写发生时间"),
    ],
)
def test_bad_input_saves_nothing(world, extra, words):
    with pytest.raises(services.AccidentError) as error:
        record(world.users["town_a"], world.subjects["ent_a"], photos=[png()], **extra)
    assert words in error.value.message
    assert Accident.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_bad_photo_saves_nothing(world):
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(services.AccidentError, match="不是可识别的图片"):
        record(world.users["town_a"], world.subjects["ent_a"], photos=[png(), bad])
    assert Accident.objects.count() == 0 and Attachment.objects.count() == 0


def test_update_regrades_and_keeps_the_code(world):
    actor = world.users["town_a"]
    accident = record(actor, world.subjects["ent_a"])
    assert accident.level == "general"
    updated = services.update_accident(actor, accident.pk, direct_loss_yuan=Decimal("50000000"))
    assert updated.code == accident.code and updated.level == "major"
    assert "5000万元以上1亿元以下" in updated.level_reason
    with pytest.raises(Http404):
        services.update_accident(world.users["town_b"], accident.pk, deaths=1)
    with pytest.raises(services.AccidentError) as error:
        services.update_accident(world.users["grid"], accident.pk, deaths=1)
    assert error.value.status == 403
    with pytest.raises(services.AccidentError):
        services.update_accident(actor, accident.pk, deaths=-3)
    accident.refresh_from_db()
    assert accident.deaths == 0 and accident.level == "major"


def test_periods_and_targets_are_the_offices(world):
    office = world.users["city"]
    period = services.save_period(
        office, name="春节", starts_on=datetime.date(2025, 1, 28), ends_on=datetime.date(2025, 2, 4)
    )
    assert KeyPeriod.objects.get().name == "春节"
    with pytest.raises(services.AccidentError) as error:
        services.save_period(world.users["town_a"], name="x", starts_on="2025-05-01", ends_on="2025-05-05")
    assert error.value.status == 403
    with pytest.raises(services.AccidentError, match="结束日期不能早于开始日期"):
        services.save_period(office, period, name="春节", starts_on="2025-02-05", ends_on="2025-02-01")
    services.save_period(office, period, name="春节假期", starts_on="2025-01-28", ends_on="2025-02-04")
    assert KeyPeriod.objects.get().name == "春节假期"
    target = services.set_target(office, year=2025, max_accidents=40, max_deaths=8)
    assert services.set_target(office, year=2025, max_accidents=38, max_deaths=None).pk == target.pk
    assert YearTarget.objects.get().max_accidents == 38
    with pytest.raises(services.AccidentError, match="不能为负数"):
        services.set_target(office, year=2025, max_accidents=-1)
    with pytest.raises(services.AccidentError, match="年度"):
        services.set_target(office, year=1800)
    services.delete_period(office, period)
    assert not KeyPeriod.objects.exists()


def test_city_may_record_anywhere(world):
    town = Territory.objects.get(name="松门镇")
    accident = record(world.users["city"], territory=town.pk, sector="fishery", accident_type="drowning")
    assert accident.town == town
