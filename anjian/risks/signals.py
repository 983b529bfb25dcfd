"""A hazard saved (reported, moved along its workflow, closed) re-grades its subject at once, so the
dynamic grade on the subject and the map follows the hazard loop without waiting for the daily run."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from anjian.hazards.models import Hazard

from .grading import regrade_subjects


@receiver(post_save, sender=Hazard, dispatch_uid="risks.regrade_on_hazard")
def regrade_hazard_subject(sender, instance, raw=False, **kwargs):
    if not raw:
        regrade_subjects([instance.subject_id])
