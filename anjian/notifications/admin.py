from django.contrib import admin

from .models import Channel, Delivery, DeliveryAttempt


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """Where the office (a superuser) connects SMTP, robots, work notices and SMS; every edit is in
    the change log. The channel's health fields are the dispatcher's and read-only here."""

    list_display = ("name", "code", "kind", "unit", "enabled", "last_ok_at", "last_error_at")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "code")
    autocomplete_fields = ()
    readonly_fields = ("last_ok_at", "last_error_at", "last_error")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "ok", "status_code", "provider_code", "message", "duration_ms")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Read-only: deliveries change only through the dispatcher."""

    list_display = ("created_at", "recipient", "channel", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "channel")
    inlines = [AttemptInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
