from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anjian.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from . import audit, lookups  # noqa: F401  (change-log signals; the pathprefix lookup)

        # Bulk writes on audited models outside audit's helpers raise, so none escapes the log.
        audit.install_guard()
