from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "anjian.plans"
    label = "plans"
    verbose_name = "年度工作要点"
