from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "anjian.api"
    label = "api"
    verbose_name = "接口"
