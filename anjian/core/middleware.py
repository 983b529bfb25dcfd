import uuid

from . import context


class AuditContextMiddleware:
    """Remembers who is acting in this request so the change log can name them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.set_request(request, uuid.uuid4().hex[:16])
        try:
            return self.get_response(request)
        finally:
            context.reset(token)
