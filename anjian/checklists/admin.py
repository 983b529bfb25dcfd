from django.contrib import admin

from .models import Checklist, ChecklistItem, ChecklistVersion, Criterion, Standard


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["title", "document", "effective"]
    inlines = [CriterionInline]


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    raw_id_fields = ["criterion"]


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(admin.ModelAdmin):
    list_display = ["checklist", "number", "status", "published_at"]
    list_filter = ["status"]
    inlines = [ItemInline]


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "sector"]
    list_filter = ["category"]
