from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anjian.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from . import audit  # noqa: F401  (connects the change-log signals)
