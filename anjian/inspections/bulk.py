"""Planned inspections made in bulk — a draw's targets or an issued plan's pool, up to thousands at a
time. bulk_create skips Inspection.save, so this does what save does (a code, the subject's place and
sector); audit.bulk_create writes one `create` entry per inspection, in the same transaction."""

from anjian.core import audit

from .models import Inspection, _next_code

CHUNK = 500


def unique_codes(count):
    """`count` inspection codes as Inspection.save gives them, none already in the table."""
    codes = set()
    while len(codes) < count:
        while len(codes) < count:
            codes.add(_next_code("JC"))
        listed = sorted(codes)
        for start in range(0, len(listed), CHUNK):
            taken = Inspection.objects.filter(code__in=listed[start : start + CHUNK]).values_list(
                "code", flat=True
            )
            codes.difference_update(taken)
    return sorted(codes)


def create_planned(actor, plan, targets, *, draw=None, scheduled_for=None):
    """One planned inspection of `plan` per (subject, inspector ids) in `targets`; returns them."""
    codes = unique_codes(len(targets))
    inspections = [
        Inspection(
            code=code,
            plan=plan,
            draw=draw,
            subject=subject,
            kind=plan.kind,
            checklist_version_id=plan.checklist_version_id,
            status=Inspection.Status.PLANNED,
            unit_id=plan.organiser_id,
            scheduled_for=scheduled_for,
            created_by=actor,
            territory_path=subject.territory_path,
            town_id=subject.town_id,
            sector_id=subject.sector_id,
            is_synthetic=plan.is_synthetic,
        )
        for code, (subject, _inspectors) in zip(codes, targets, strict=True)
    ]
    audit.bulk_create(Inspection, inspections, actor=actor, batch_size=CHUNK)
    # The inspectors' links are a through-table, not an audited model: bulk entries hold concrete
    # fields only, and the draw's result (or the issued plan) names who inspects.
    Through = Inspection.inspectors.through
    Through.objects.bulk_create(
        (
            Through(inspection_id=inspection.pk, user_id=uid)
            for inspection, (_subject, inspector_ids) in zip(inspections, targets, strict=True)
            for uid in inspector_ids
        ),
        batch_size=CHUNK,
    )
    return inspections
