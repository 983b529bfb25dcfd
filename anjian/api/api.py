"""The API, mounted at /api/v1/: each app contributes a router from its own api.py.

OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs."""

from ninja import NinjaAPI

from anjian.accidents.api import router as accidents_router
from anjian.hazards.api import router as hazards_router
from anjian.notifications.api import router as notifications_router
from anjian.registry.api import router as subjects_router
from anjian.risks.api import router as risks_router

from . import errors
from .auth import API_AUTH
from .auth import router as auth_router

api = NinjaAPI(
    title="安监 anjian API",
    version="1",
    description=(
        "安全生产数字化监管平台接口。先以 POST /api/v1/auth/token 换取令牌，"
        "再在每个请求的 Authorization 请求头中发送 Bearer <令牌>；浏览器内也可沿用登录会话（须带 CSRF 令牌）。"
        '所有数据按当前用户的管辖范围过滤，范围外的记录答 404。错误一律答 JSON {"detail": 说明}。'
    ),
    urls_namespace="api",
    auth=API_AUTH,
)
errors.install(api)
api.add_router("/auth", auth_router)
api.add_router("/subjects", subjects_router)
api.add_router("/hazards", hazards_router)
api.add_router("/", risks_router)
api.add_router("/accidents", accidents_router)
api.add_router("/notifications", notifications_router)
