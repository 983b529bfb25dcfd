from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The change log can be read, never written or deleted, from the admin."""

    list_display = ("id", "at", "actor_name", "action", "model", "object_id", "object_repr")
    list_filter = ("action", "model")
    search_fields = ("actor_name", "object_repr", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
