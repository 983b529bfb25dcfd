"""Builders shared by the conduct and record tests."""

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from anjian.inspections.models import Inspection


def make_inspection(world, version, subject="ent_a", *, inspectors=("inspector",), **fields):
    inspection = Inspection.objects.create(
        subject=world.subjects[subject], checklist_version=version, created_by=world.users["city"], **fields
    )
    inspection.inspectors.set([world.users[name] for name in inspectors])
    return inspection


def signature_url(ink=True, fmt="PNG", size=(300, 120)):
    """A data URL like a signature pad's: a dark stroke on a transparent canvas (or a blank one)."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line([(10, 60), (150, 20), (290, 100)], fill=(0, 0, 0, 255), width=4)
    buffer = io.BytesIO()
    image.convert("RGB" if fmt == "JPEG" else "RGBA").save(buffer, fmt)
    mime = "png" if fmt == "PNG" else fmt.lower()
    return f"data:image/{mime};base64," + base64.b64encode(buffer.getvalue()).decode()


def photo(name="p.jpg", colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def answer_all(services, actor, inspection, fail=(), note="问题说明"):
    """Pass every item except the keys in `fail`, which fail with a note."""
    for item in inspection.items():
        outcome = "fail" if item.key in fail else "pass"
        services.record_result(actor, inspection, item.pk, outcome, note=note if outcome == "fail" else "")


def sign_all(services, actor, inspection):
    services.sign(actor, inspection, "inspector", signature_url())
    services.sign(actor, inspection, "contact", signature_url())
