import pytest

from anjian.testing import build_world

# Argon2 is deliberately slow; the suite creates hundreds of users, so tests hash with MD5.
# (The browser tests log in through the real form and still exercise the configured hashers' API.)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos of a test go to its own temporary directory, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_holiday_table():
    """The working-day functions keep the holiday table in memory; a test that wrote rows (then rolled
    back) must not leave them to the next test."""
    from anjian.workdays.services import invalidate_cache  # noqa: PLC0415 (Django is set up by now)

    invalidate_cache()
    yield
    invalidate_cache()


@pytest.fixture
def jobs_run_at_once(settings, django_capture_on_commit_callbacks):
    """Jobs run in the request's process when its transaction commits (django-tasks' immediate
    backend); yields the capture context to wrap the requests in."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world(db):
    """The fixed personas and subjects of anjian.testing."""
    return build_world()
