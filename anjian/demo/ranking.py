"""The demo's year of monthly rankings (月晾晒) and its follow-up.

For each of the last 12 complete months the committee office's demo account (`city_office`) computes
and publishes the ranking through the services, as it would have done month by month; one month is
re-run as version 2 with its reason; the bottom town of a recent month is summoned (约谈) with three
commitments: one done, one open, one overdue. Runs after the accidents are built, so the months
count them.

Idempotent: a month with a published run is left alone, the re-run and the interview are made once.
Publication dates are backdated to a few days after each month's end (as the demo hazards' timelines
are), so the bulletins carry the dates the office would have issued them on.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from anjian.core import audit
from anjian.ranking import services
from anjian.ranking import services_interviews as si
from anjian.ranking.indicators import REGISTRY, month_bounds
from anjian.ranking.models import Interview, RankingRun

MONTHS = 12
PUBLISHED_AFTER = 5  # days after a month's end the office publishes its ranking
RERUN_BACK = 3  # which month is re-run: this many months before the latest
RERUN_REASON = "大溪镇补录事故后重新计算"
# The interview is held 8 days after the month's end and its overdue commitment fell due 3 days
# later, so the summoned month is the latest one that ended at least SUMMON_AFTER days ago.
HELD_AFTER, SUMMON_AFTER = 8, 12


def last_complete_months(today, n=MONTHS):
    """First days of the last `n` months that have ended before `today`, oldest first."""
    first = today.replace(day=1)
    months = []
    for _ in range(n):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def office_user():
    user = get_user_model().objects.filter(username="city_office").first()
    if user is None:
        raise ValueError("演示晾晒需要市安委办演示账号 city_office（请先建立演示账号）")
    return user


def build_rankings(progress=print, today=None):
    """Make the last 12 complete months ranked and published, one re-run, one summoned town.
    Returns {"runs": added runs, "interviews": added interviews}."""
    today = today or timezone.localdate()
    actor = office_user()
    months = last_complete_months(today)
    added = 0
    for month in months:
        if not RankingRun.objects.filter(month=month, status=RankingRun.Status.PUBLISHED).exists():
            _compute_and_publish(actor, month, "", today)
            added += 1
    rerun_month = months[-1 - RERUN_BACK]
    if not RankingRun.objects.filter(month=rerun_month, version__gte=2).exists():
        _compute_and_publish(actor, rerun_month, RERUN_REASON, today)
        added += 1
    interviews = _summon(actor, months, today)
    progress(
        f"月度晾晒：新增 {added} 次计算，已发布 {len(months)} 个月"
        f"（{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}），约谈 {interviews} 个镇（街道）"
    )
    return {"runs": added, "interviews": interviews}


def _compute_and_publish(actor, month, reason, today):
    run = services.compute_run(actor, month, reason)
    # A draft still: nothing frozen yet.
    audit.update(RankingRun.objects.filter(pk=run.pk), actor=actor, is_synthetic=True)
    run = services.publish(actor, run)
    end = month_bounds(month)[1]
    # A re-run is published a few days after the first version.
    day = min(end + datetime.timedelta(days=PUBLISHED_AFTER + (10 if reason else 0)), today)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    when = min(when, timezone.now())
    audit.update(RankingRun.objects.filter(pk=run.pk), actor=actor, computed_at=when, published_at=when)


def _summon(actor, months, today):
    """The bottom town of the latest month that ended SUMMON_AFTER days ago: one interview."""
    month = next(
        (m for m in reversed(months) if month_bounds(m)[1] + datetime.timedelta(days=SUMMON_AFTER) <= today),
        months[0],
    )
    run = RankingRun.objects.filter(month=month, status=RankingRun.Status.PUBLISHED).first()
    if run is None or Interview.objects.filter(run__month=month, is_synthetic=True).exists():
        return 0
    bottom = si.bottom_scores(run)  # empty when every town ties: nobody to summon
    if not bottom:
        return 0
    last = bottom[0]
    held = month_bounds(month)[1] + datetime.timedelta(days=HELD_AFTER)
    town = last.town.name
    heads, area = _leaders(town)
    interview = si.record_interview(
        actor,
        run,
        last.town,
        held,
        "市行政中心12楼安委办会议室",
        f"约谈人：市安委办副主任张建国（主持）、市应急管理局副局长王立新；\n"
        f"被约谈人：{town}{heads}、应急管理办主任；\n"
        f"列席：市安委办综合协调科、监督检查科负责人",
        _problems(run, last),
        [
            (f"{town}召开安全生产专题会议，制定整改方案报市安委办", held + datetime.timedelta(days=10)),
            (f"{town}完成辖区逾期重大隐患清零", held + datetime.timedelta(days=3)),
            (
                f"{town}对{area}规上企业开展一轮全覆盖检查，次月晾晒退出后三位",
                today + datetime.timedelta(days=20),
            ),
        ],
        synthetic=True,
    )
    # The meeting and the plan were done two days after the interview; the others are still open.
    done = interview.commitments.get(due_on=held + datetime.timedelta(days=10))
    si.update_commitment(
        actor, done, held + datetime.timedelta(days=2), "已召开专题会议，整改方案（镇安委〔2026〕5号）已报送"
    )
    return 1


def _leaders(town):
    """Who answers for a town, a subdistrict or the development zone, and what its area is called."""
    if town.endswith("街道"):
        return "党工委书记、办事处主任、分管安全生产副主任", "全街道"
    if town.endswith("开发区"):
        return "管委会主任、分管安全生产副主任", "全区"
    return "党委书记、镇长、分管安全生产副镇长", "全镇"


def _shown(value, unit):
    """A rate (no unit) as a percentage, a count as it is."""
    if value is None:
        return "—"
    if not unit:
        return f"{float(value) * 100:.1f}%"
    return f"{round(float(value), 2):g}{unit}"


def _problems(run, score):
    """The town's weakest indicators in the run, as the office would read them out."""
    weakest = sorted(
        (
            (item["normalised"], code, item["value"])
            for code, item in score.indicators.items()
            if item.get("normalised") is not None and code in REGISTRY
        ),
        key=lambda row: row[0],
    )[:3]
    lines = [
        f"{run.month.year}年{run.month.month}月晾晒得分{score.score}分，在全市{run.scores.count()}个镇（街道）中排名末位。"
    ]
    for number, (_, code, value) in enumerate(weakest, start=1):
        indicator = REGISTRY[code]
        lines.append(f"{number}. {indicator.name}为{_shown(value, indicator.unit)}，处于全市后列。")
    lines.append("隐患排查不深不细，属地监管责任落实不到位，须限期整改。")
    return "\n".join(lines)
