"""Who is calling the API: a signed-in browser session (with its CSRF token) or a bearer token."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from donorcall.lib.clock import now
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


class SessionWithCsrf(SessionAuth):
    """Ninja's session auth checks the CSRF token on unsafe methods."""
