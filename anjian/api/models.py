"""API tokens. Only a hash of the token is stored; tokens expire."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    @classmethod
    def issue(cls, user, expires_at):
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=hash_token(raw), expires_at=expires_at)
        return raw
