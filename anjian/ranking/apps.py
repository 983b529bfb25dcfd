from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "anjian.ranking"
    label = "ranking"
    verbose_name = "月晾晒"
