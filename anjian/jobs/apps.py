from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "anjian.jobs"
    verbose_name = "后台任务与定时作业"
