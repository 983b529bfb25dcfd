from anjian.core.errors import ServiceError


class InspectionError(ServiceError):
    """A plan, draw or inspection step that cannot happen, with a message for the user. `status` is
    the HTTP answer: 422 bad input, 409 wrong state, 403 role may not act."""
