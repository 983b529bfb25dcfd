from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "anjian.workdays"
    verbose_name = "工作日历"
