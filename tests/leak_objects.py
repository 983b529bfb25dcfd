"""Objects of the leak test that are not a subject's: a published ranking of the current month (the
month counted as ended, so the marker hazards, inspections and accidents are behind its numbers) and
an interview with one commitment for each of the world's two towns."""

import datetime

from django.utils import timezone

from anjian.ranking import services, services_interviews


def ranking_objects(world):
    office = world.users["city"]
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    run = services.compute_run(office, today, today=next_month)
    services.publish(office, run)
    interviews = {}
    for town in (world.town_a, world.town_b):
        interviews[town.pk] = services_interviews.record_interview(
            office,
            run,
            town,
            today,
            "市应急管理局会议室",
            "市安委办副主任；镇分管领导",
            "隐患按期整改率偏低",
            [("一个月内完成逾期隐患整改", today + datetime.timedelta(days=30))],
        )
    return run, interviews
