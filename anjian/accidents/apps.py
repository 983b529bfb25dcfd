from django.apps import AppConfig


class AccidentsConfig(AppConfig):
    name = "anjian.accidents"
    label = "accidents"
    verbose_name = "生产安全事故"

    def ready(self):
        from . import signals

        signals.register()  # an accident in the past year raises its subject's dynamic risk grade
