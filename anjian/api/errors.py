"""Every error the API gives is JSON `{"detail": "<a sentence naming what is wrong>"}`."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anjian.core.errors import ServiceError
from anjian.core.filtering import FilterError

WHERE = {
    "query": "查询参数",
    "path": "路径参数",
    "body": "请求体字段",
    "form": "表单字段",
    "file": "上传文件",
}


def _problem(error):
    """One pydantic error as a short Chinese phrase (the English one when the type is unusual)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    phrases = {
        "missing": _("缺少必填项"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "int_from_float": _("应为整数"),
        "float_parsing": _("应为数字"),
        "float_type": _("应为数字"),
        "bool_parsing": _("应为 true 或 false"),
        "string_type": _("应为文本"),
        "date_parsing": _("不是有效日期（格式 YYYY-MM-DD）"),
        "date_from_datetime_parsing": _("不是有效日期（格式 YYYY-MM-DD）"),
        "date_from_datetime_inexact": _("应为日期，不带时间（格式 YYYY-MM-DD）"),
        "date_type": _("不是有效日期（格式 YYYY-MM-DD）"),
        "decimal_parsing": _("不是有效金额"),
        "decimal_type": _("不是有效金额"),
        "decimal_max_places": _("最多两位小数"),
        "decimal_max_digits": _("数值过大"),
        "decimal_whole_digits": _("数值过大"),
        "extra_forbidden": _("不是可接受的字段"),
        "json_invalid": _("请求体不是有效的 JSON"),
        "dict_type": _("应为 JSON 对象"),
        "model_attributes_type": _("应为 JSON 对象"),
        "model_type": _("应为 JSON 对象"),
    }
    if kind in phrases:
        return phrases[kind]
    if kind == "less_than_equal":
        return _("不能大于 %(v)s") % {"v": ctx.get("le")}
    if kind == "greater_than_equal":
        return _("不能小于 %(v)s") % {"v": ctx.get("ge")}
    if kind == "string_too_long":
        return _("过长（最多 %(n)s 个字符）") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("不能为空") if ctx.get("min_length") == 1 else _("过短")
    return error.get("msg", kind)


def _place(loc):
    loc = [str(part) for part in loc]
    where = WHERE.get(loc[0], loc[0]) if loc else ""
    # ninja nests body fields under the parameter's name ("body", "credentials", "username"): the
    # caller only knows the last part.
    field = loc[-1] if len(loc) > 1 else ""
    return f"{where}“{field}”" if field else where


def readable(errors):
    parts = []
    for error in errors:
        place = _place(error.get("loc", ()))
        parts.append(f"{place}：{_problem(error)}" if place else _problem(error))
    return "；".join(parts)


def install(api):
    """Register the JSON error answers on `api`."""

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": _problem(e), "type": e.get("type", "")} for e in exc.errors
        ]
        message = _("请求有误：%(p)s") % {"p": readable(exc.errors)}
        return api.create_response(request, {"detail": message, "errors": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = _(
            "未登录：请先通过 POST /api/v1/auth/token 获取令牌，并在请求头中发送 Authorization: Bearer <令牌>"
        )
        return api.create_response(request, {"detail": message}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = str(exc)
        if message == "Cannot parse request body":
            message = _("请求体不是有效的 JSON（Content-Type 应为 application/json）")
        elif message == "CSRF check Failed":
            message = _("CSRF 校验失败：使用会话登录调用接口时，须在 X-CSRFToken 请求头中发送 CSRF 令牌")
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(FilterError)
    def bad_filter(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=422)

    # Every service's refusal carries the status it is answered with (409 state, 422 data, 403 role …).
    @api.exception_handler(ServiceError)
    def refused(request, exc):
        return api.create_response(request, {"detail": exc.message}, status=exc.status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        message = str(exc) or _("记录不存在或不在您的管辖范围内")
        return api.create_response(request, {"detail": message}, status=404)
