"""Monthly runs: computed under the year's scheme, frozen once published, re-run as a new version
with a reason; bad input refused with a clear message and nothing saved."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.core import audit
from anjian.core.models import AuditEntry
from anjian.ranking import services
from anjian.ranking.models import RankingRun, Scheme, SchemeIndicator, TownScore
from anjian.ranking.scoring import total_from_points

from . import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(world):
    data.build(world)
    return data.MONTH


def test_a_run_ranks_every_town_under_the_default_scheme(world, month):
    run = services.compute_run(world.users["city"], month.replace(day=17))
    assert (run.month, run.version, run.status) == (month, 1, "draft")
    scheme = Scheme.objects.get(year=2025)
    assert SchemeIndicator.objects.filter(scheme=scheme).count() == 12
    assert sum(i.weight for i in scheme.indicators.all()) == Decimal(100)
    assert run.config == services.scheme_config(scheme) and run.config["vetoes"] == {"larger_accident": True}
    scores = list(run.scores.order_by("rank", "town__path"))
    assert len(scores) == 17
    # 大溪镇 had a 较大 accident: last whatever its score, and the note says why.
    last = scores[-1]
    assert last.town == world.town_b and last.rank == 17 and "一票否决" in last.tie_note
    town_a = run.scores.get(town=world.town_a)
    assert town_a.enterprises == 2
    cell = town_a.indicators["active_share"]
    assert cell["value"] == 0.75 and cell["detail"]["active_weighted"] == 6
    assert cell["normalised"] == pytest.approx(0.8333, abs=1e-4)  # 0.75 / target 0.9
    # No data is null, not zero; a town with no data for an indicator has it left out and rescaled.
    other = run.scores.exclude(town__in=[world.town_a, world.town_b]).first()
    assert other.indicators["on_time_rate"] == {
        "value": None,
        "normalised": None,
        "points": None,
        "detail": {"due": 0, "on_time": 0, "late": 0},
    }
    for score in scores:
        points = {code: cell["points"] for code, cell in score.indicators.items()}
        assert total_from_points(points, run.config) == score.score
    entry = AuditEntry.objects.filter(model="ranking.rankingrun", object_id=str(run.pk)).get()
    assert entry.action == "create" and entry.actor_id == world.users["city"].pk


def test_a_month_not_ended_is_refused(world):
    today = timezone.localdate()
    for month in (today, today + datetime.timedelta(days=40)):
        with pytest.raises(services.RankingError, match="月份尚未结束"):
            services.compute_run(world.users["city"], month)
    with pytest.raises(services.RankingError, match="月份尚未结束"):
        services.compute_run(world.users["city"], datetime.date(2025, 9, 1), today=datetime.date(2025, 9, 30))
    assert services.check_month(datetime.date(2025, 9, 9), today=datetime.date(2025, 10, 1)) == datetime.date(
        2025, 9, 1
    )
    assert not RankingRun.objects.exists()


def test_weights_that_do_not_sum_are_refused(world, month):
    scheme = services.ensure_scheme(2025)
    audit.update(SchemeIndicator.objects.filter(scheme=scheme, code="deaths"), weight=20)
    with pytest.raises(services.RankingError, match="各指标权重之和为 106，应等于权重合计 100"):
        services.compute_run(world.users["city"], month)
    assert not RankingRun.objects.exists() and not TownScore.objects.exists()


def test_only_the_committee_office_computes_and_publishes(world, month):
    for user in ("town_a", "dept", "enterprise"):
        with pytest.raises(services.RankingError) as refused:
            services.compute_run(world.users[user], month)
        assert refused.value.status == 403
    run = services.compute_run(world.users["city"], month)
    with pytest.raises(services.RankingError) as refused:
        services.publish(world.users["sector"], run)
    assert refused.value.status == 403
    assert RankingRun.objects.get().status == "draft"


def test_published_runs_are_frozen_and_a_rerun_is_a_new_version(world, month):
    city = world.users["city"]
    first = services.publish(city, services.compute_run(city, month))
    assert first.status == "published" and first.published_by == city
    frozen = {s.town_id: (s.score, s.rank, s.indicators) for s in first.scores.all()}
    # Data edited later: another death in 泽国镇 in September.
    data.accident(world, world.town_a, data.at(9, 25), 2)
    assert {s.town_id: (s.score, s.rank, s.indicators) for s in first.scores.all()} == frozen
    with pytest.raises(services.RankingError, match="重新计算须填写原因"):
        services.compute_run(city, month, reason="  ")
    assert RankingRun.objects.count() == 1
    second = services.compute_run(city, month, reason="补录泽国镇9月25日事故")
    assert (second.version, second.status, second.reason) == (2, "draft", "补录泽国镇9月25日事故")
    assert second.scores.get(town=world.town_a).indicators["deaths"]["value"] == 3.0
    assert RankingRun.objects.get(pk=first.pk).status == "published"  # until the new one is published
    services.publish(city, second)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert {s.town_id: (s.score, s.rank, s.indicators) for s in first.scores.all()} == frozen
    with pytest.raises(services.RankingError, match="只能发布草稿"):
        services.publish(city, first)


def test_an_older_draft_cannot_replace_a_newer_publication(world, month):
    city = world.users["city"]
    old = services.compute_run(city, month)
    new = services.compute_run(city, month)
    assert (old.version, new.version) == (1, 2)
    services.publish(city, new)
    with pytest.raises(services.RankingError, match="已发布更新的版本"):
        services.publish(city, old)
    assert RankingRun.objects.get(pk=old.pk).status == "draft"


def test_a_larger_accident_puts_a_town_last_whatever_its_score(world, month):
    from anjian.org.models import Territory
    from anjian.ranking.scoring import score_towns

    chengbei = Territory.objects.get(name="城北街道")
    data.accident(world, chengbei, data.at(9, 3), 0, level="larger")  # 10 serious injuries, no death
    run = services.compute_run(world.users["city"], month)
    values = {s.town_id: {c: cell["value"] for c, cell in s.indicators.items()} for s in run.scores.all()}
    without_veto = {r["town_id"]: r["rank"] for r in score_towns(values, run.config)}
    assert without_veto[chengbei.pk] < 16  # on its score alone it is not among the last two
    ranks = dict(run.scores.values_list("town_id", "rank"))
    assert {ranks[chengbei.pk], ranks[world.town_b.pk]} == {16, 17}
    assert "一票否决" in run.scores.get(town=chengbei).tie_note
