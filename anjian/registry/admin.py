from django.contrib import admin

from .models import Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "town", "sector", "risk_grade", "is_synthetic")
    list_filter = ("kind", "sector", "risk_grade", "is_synthetic")
    search_fields = ("name", "code", "address")
    raw_id_fields = ("territory", "grid", "parent", "supervisor")
