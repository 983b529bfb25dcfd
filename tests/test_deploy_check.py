"""The production settings check passes with the variables docs/deployment.md lists, and only then."""

import os
import secrets
import subprocess
import sys

import pytest

# Exactly the variables docs/deployment.md tells an operator to set.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "anjian.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://anjian.example.gov.cn",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SESSION_COOKIE_SECURE": "1",
    "BEHIND_TLS_PROXY": "1",
    "SERVE_MEDIA": "0",
}
# Settings read by anjian/settings.py that must come from the test, not from whoever runs it.
SETTINGS_VARS = (
    *PRODUCTION_ENV,
    "SECRET_KEY",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    # The browser tests set this in the test process; a deployment must not, and the check says so.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_deploy_check(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARS}
    env.update(PRODUCTION_ENV, ANJIAN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="anjian.settings")
    env.update(overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "anjian.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_the_documented_variables(tmp_path):
    result = run_deploy_check(tmp_path, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_the_demo_secret_key(tmp_path):
    result = run_deploy_check(tmp_path, SECRET_KEY=None)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("DEBUG", "1", "security.W018"),
        ("SECURE_SSL_REDIRECT", "0", "security.W008"),
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("SESSION_COOKIE_SECURE", "0", "security.W012"),
    ],
)
def test_deploy_check_names_each_missing_protection(tmp_path, variable, value, warning):
    result = run_deploy_check(tmp_path, SECRET_KEY=secrets.token_urlsafe(50), **{variable: value})
    assert result.returncode != 0
    assert warning in result.stderr
