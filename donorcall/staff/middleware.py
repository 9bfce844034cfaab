"""Session limits and deny-by-default sign-in for every page."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url

from donorcall.lib.clock import now

# Writing the session on every request would cost a database write per lease renewal; the
# idle clock only needs to be accurate to the minute.
SEEN_AT_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """End a session 12 hours after sign-in or after 30 minutes without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and self.expired(request):
            logout(request)
            if request.path_info.startswith("/api/"):
                return self.get_response(request)  # now anonymous: the API answers 401 itself
            messages.info(request, "Your session ended. Please sign in again.")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                return response
            return redirect("staff:login")
        return self.get_response(request)

    def expired(self, request: HttpRequest) -> bool:
        session = request.session
        current = now().timestamp()
        signed_in_at = session.get("signed_in_at", current)
        seen_at = session.get("seen_at", current)
        if current - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
            return True
        if current - seen_at > settings.SESSION_IDLE_SECONDS:
            return True
        if current - seen_at > SEEN_AT_RESOLUTION_SECONDS or "seen_at" not in session:
            session["seen_at"] = current
            session.setdefault("signed_in_at", current)
        return False


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user unless its view says otherwise; the JSON API answers
    for itself (401 with an error code) rather than redirecting to a login page."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
