import pytest
from django.test import Client


@pytest.fixture
def client_for(world):
    """A logged-in test client for the named persona of anjian.testing."""

    def make(name):
        client = Client()
        client.force_login(world.users[name])
        return client

    return make


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
