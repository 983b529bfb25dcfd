"""How API callers prove who they are: a Bearer token issued by POST /auth/token, or the browser's
Django session (for the pages' htmx calls; CSRF is then checked as for any form)."""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from anjian.core.apikit import error_responses

from .models import ApiToken, hash_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: the token's hash is looked up; expired or unknown → 401."""

    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token.strip())).first()
        if row is None:
            raise HttpError(401, _("令牌无效：未找到该令牌，请通过 POST /api/v1/auth/token 重新获取"))
        if row.expires_at <= timezone.now():
            raise HttpError(
                401,
                _("令牌已过期（过期时间 %(at)s），请通过 POST /api/v1/auth/token 重新获取")
                % {"at": timezone.localtime(row.expires_at).strftime("%Y-%m-%d %H:%M")},
            )
        if not row.user.is_active:
            raise HttpError(401, _("该账号已停用"))
        # The change log and the scope read request.user; a token request has no session user.
        request.user = row.user
        return row.user


# Bearer first: a client that sends a token means it, even if a session cookie rides along.
API_AUTH = [BearerToken(), SessionAuth(csrf=True)]

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


class TokenOut(Schema):
    token: str = Field(description="以 Authorization: Bearer <token> 发送")
    token_type: str = "Bearer"
    expires_at: datetime.datetime


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, **error_responses(401, 422, 429)},
    summary="用用户名和密码换取令牌",
)
def issue_token(request, credentials: Credentials):
    # authenticate() with the request, so django-axes counts failures and enforces its lockout.
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            # Answer the lockout here as JSON; the flag would otherwise make AxesMiddleware swap in
            # its plain-text page.
            request.axes_locked_out = False
            return Status(429, {"detail": _("登录失败次数过多，该账号在此地址已被暂时锁定，请稍后再试")})
        return Status(401, {"detail": _("用户名或密码错误")})
    expires_at = timezone.now() + datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    token = ApiToken.issue(user, expires_at)
    # The same signal a page login sends: the change log writes its "login" entry, axes resets.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": token, "expires_at": timezone.localtime(expires_at)}


@router.delete(
    "/token",
    auth=API_AUTH[:1],
    response={204: None, **error_responses(401)},
    summary="注销当前令牌",
)
def revoke_token(request):
    raw = request.headers["Authorization"].split(" ", 1)[1].strip()
    ApiToken.objects.filter(key_hash=hash_token(raw)).delete()
    return Status(204, None)
