from django.contrib import admin

from .models import Hazard, HazardEvent


class HazardEventInline(admin.TabularInline):
    model = HazardEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "from_status", "to_status", "actor_name", "at", "comment")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(admin.ModelAdmin):
    """Read-only here: the loop moves only through hazards.services (the pages and the API)."""

    list_display = ("code", "title", "subject", "town", "level", "status", "deadline", "supervision_level")
    list_filter = ("status", "level", "source", "supervision_level", "sector")
    search_fields = ("code", "title")
    inlines = [HazardEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
