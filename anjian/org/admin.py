from django.contrib import admin

from .models import Person, RoleAssignment, Sector, SectorCommittee, Territory, Unit


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "kind", "parent", "path", "is_synthetic")
    list_filter = ("level", "kind", "is_synthetic")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "high_risk", "order")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "territory")
    list_filter = ("kind",)
    search_fields = ("name",)
    filter_horizontal = ("sectors",)


@admin.register(SectorCommittee)
class SectorCommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "office")
    filter_horizontal = ("sectors", "members")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "unit", "user")
    search_fields = ("name", "phone")
    raw_id_fields = ("user",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "territory", "subject")
    list_filter = ("role",)
    raw_id_fields = ("user", "territory", "subject")
    filter_horizontal = ("sectors",)
