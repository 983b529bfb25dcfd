import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from anjian.api.models import ApiToken


def bearer_client(user, hours=2):
    token = ApiToken.issue(user, timezone.now() + datetime.timedelta(hours=hours))
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def clients(world):
    """A Bearer-token client per persona of the `world`."""
    return {name: bearer_client(user) for name, user in world.users.items()}


def in_days(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def png(name="fix.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
