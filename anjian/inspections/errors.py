class InspectionError(Exception):
    """A plan, draw or inspection step that cannot happen, with a message for the user. `status` is
    the HTTP answer: 422 bad input, 409 wrong state, 403 role may not act."""

    def __init__(self, message, status=422):
        super().__init__(message)
        self.message = str(message)
        self.status = status
