"""Who is calling the API: a signed-in browser session (with its CSRF token) or a bearer token."""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from donorcall.lib.clock import now
from donorcall.lib.errors import DomainError
from donorcall.staff.actions import hash_token
from donorcall.staff.models import ApiToken, User


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        if not api_token.last_used_at or (now() - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now())
        request.user = api_token.user
        return api_token.user


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403


class SessionWithCsrf(SessionAuth):
    """Ninja's session auth checks the CSRF token on unsafe methods.

    Only for a signed-in session: a caller without one (a program with a wrong or revoked
    token) is told 401 not_authenticated, not that its CSRF token is missing. A failed check
    is answered in the API's own error format rather than ninja's {"detail": ...}.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as error:
            raise CsrfFailed(
                "CSRF check failed: send the X-CSRFToken header with the page's token."
            ) from error
