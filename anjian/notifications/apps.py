from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anjian.notifications"
    verbose_name = "消息通知"
