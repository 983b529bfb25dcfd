from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and the commands that drive it (init-demo, logins, bench). An app so those
    commands live beside what they build instead of in core, which must not import the apps above it."""

    name = "anjian.demo"
    label = "demo"
    verbose_name = "演示数据"
