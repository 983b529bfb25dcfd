"""The one error a service raises when a change cannot happen.

Every service answers the same way: a Chinese sentence for the user and the HTTP status a page or
the API gives it, so the views and the API translate one type, not one per app:

- 422 bad or missing data (the default),
- 409 the record is in the wrong state for the step,
- 403 the actor's role or scope may not take the step,
- 404 the record does not exist or lies outside the actor's scope.

Apps subclass it (hazards.TransitionError, plans.PlanError …) so callers and tests can still catch
their own app's refusals by name.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class ServiceError(Exception):
    status = 422

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = str(message)
        if status is not None:
            self.status = status

    def escalate(self):
        """Raise 403 and 404 as Django's own exceptions, so a page answers them with its error page
        rather than re-rendering a form the actor may not see; return for the other statuses."""
        if self.status == 403:
            raise PermissionDenied(self.message) from None
        if self.status == 404:
            raise Http404(self.message) from None
