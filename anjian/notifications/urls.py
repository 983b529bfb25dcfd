from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_list, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("bell/", views.bell, name="bell"),
    path("settings/", views.settings_view, name="settings"),
    path("office/deliveries/", views.delivery_log, name="deliveries"),
    path("office/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("office/channels/", views.channel_list, name="channels"),
    path("office/unreachable/", views.unreachable, name="unreachable"),
    path("office/rules/", views.rules, name="rules"),
]
