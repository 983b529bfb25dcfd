from django.contrib import admin

from .models import AvoidanceRule, Draw, Inspection, InspectionPlan


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "starts_on", "ends_on", "organiser"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["target_subjects", "source_hazard", "focus_items"]


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ["plan", "status", "target_count", "committed_at", "drawn_at"]
    # The seed waits in its row until the draw; an administrator must not read it before then.
    exclude = ["pool", "seed"]
    readonly_fields = ["seed_hash", "pool_hash", "revealed_seed", "result"]

    @admin.display(description="随机种子")
    def revealed_seed(self, draw):
        return draw.seed if draw.status == Draw.Status.DRAWN else "（抽取后公开）"


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["code", "subject", "kind", "status", "is_self", "finished_at"]
    list_filter = ["kind", "status", "is_self"]
    raw_id_fields = ["subject", "plan", "draw", "inspectors", "inspector_signature", "contact_signature"]


@admin.register(AvoidanceRule)
class AvoidanceRuleAdmin(admin.ModelAdmin):
    list_display = ["inspector", "subject", "territory", "reason"]
    raw_id_fields = ["inspector", "subject"]
