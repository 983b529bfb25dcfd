"""Small builders of the accident tests."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.accidents import services


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days_ago(n, hour=10):
    return moment(timezone.localdate() - datetime.timedelta(days=n), hour)


def record(actor, subject=None, **extra):
    data = {
        "occurred_at": days_ago(3),
        "place": "车间",
        "accident_type": "machinery",
        "deaths": 0,
        "serious_injuries": 1,
        "direct_loss_yuan": "20000",
    }
    if subject is not None:
        data["subject"] = subject.pk
    data.update(extra)
    return services.record_accident(actor, **data)


def png(name="scene.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
