from django.db import migrations, models

# Local (Asia/Shanghai, UTC+8 without summer time since 1991) calendar day of submission against the
# deadline, computed in one statement per engine so a database with a million hazards migrates fast.
BACKFILL = {
    "sqlite": "UPDATE hazards_hazard SET on_time = (date(submitted_at, '+8 hours') <= deadline)"
    " WHERE submitted_at IS NOT NULL AND deadline IS NOT NULL",
    "postgresql": "UPDATE hazards_hazard SET on_time = ((submitted_at AT TIME ZONE 'Asia/Shanghai')::date"
    " <= deadline) WHERE submitted_at IS NOT NULL AND deadline IS NOT NULL",
}


def backfill(apps, schema_editor):
    sql = BACKFILL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)
    else:  # another engine: the slow, portable way
        Hazard = apps.get_model("hazards", "Hazard")
        from anjian.hazards.models import on_time_for

        for hazard in Hazard.objects.filter(submitted_at__isnull=False, deadline__isnull=False).iterator():
            Hazard.objects.filter(pk=hazard.pk).update(on_time=on_time_for(hazard.submitted_at, hazard.deadline))


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0003_scope_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="on_time",
            field=models.BooleanField(editable=False, null=True, verbose_name="按期整改"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
