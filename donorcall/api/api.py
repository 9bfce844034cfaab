"""The JSON API under /api/v1/: every app's api.py router, one error format.

Errors always look like {"code": "...", "message": "...", "field": "..."}; the code is stable
and meant for programs, the message for people.
"""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from donorcall.api.auth import BearerToken, SessionWithCsrf
from donorcall.appointments.api import router as appointments_router
from donorcall.callcenter.api import router as call_center_router
from donorcall.campaigns.api import campaigns as campaigns_router
from donorcall.campaigns.api import teams as teams_router
from donorcall.campaigns.dialler_api import call_lists as call_lists_router
from donorcall.campaigns.dialler_api import dialler as dialler_router
from donorcall.campaigns.dialler_api import queue as queue_router
from donorcall.donors.api import router as donors_router
from donorcall.donors.api import suppressions as suppressions_router
from donorcall.giving.api import router as giving_router
from donorcall.lib.errors import DomainError
from donorcall.outbox.api import router as outbox_router
from donorcall.staff.api import router as staff_router
from donorcall.supervision.api import router as supervision_router
from donorcall.telephony.api import router as telephony_router

api = NinjaAPI(
    title="donorcall API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), SessionWithCsrf()],
    docs_url="/docs",
)
api.add_router("/", staff_router)
api.add_router("/donors", donors_router)
api.add_router("/suppressions", suppressions_router)
api.add_router("/giving", giving_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/teams", teams_router)
api.add_router("/campaigns", queue_router)
api.add_router("/call-lists", call_lists_router)
api.add_router("/dialler", dialler_router)
api.add_router("/call-center", call_center_router)
api.add_router("/appointments", appointments_router)
api.add_router("/outbox", outbox_router)
api.add_router("/supervision", supervision_router)
api.add_router("/telephony", telephony_router)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    return api.create_response(request, error.as_dict(), status=error.status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    body = {"code": "not_found", "message": "There is nothing here, or not for you.", "field": None}
    return api.create_response(request, body, status=404)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    body = {
        "code": "not_authenticated",
        "message": "Sign in or send a valid API token.",
        "field": None,
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    location = [
        str(part)
        for part in first.get("loc", [])
        if part not in ("body", "payload", "query", "path")
    ]
    body = {
        "code": "invalid_input",
        "message": first.get("msg", "The request is not valid."),
        "field": ".".join(location) or None,
        "errors": error.errors,
    }
    return api.create_response(request, body, status=422)
