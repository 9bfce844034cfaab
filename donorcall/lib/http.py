"""The request a signed-in page receives, typed: every page but sign-in requires a user
(LoginRequiredMiddleware), and django-htmx adds ``request.htmx``."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from donorcall.staff.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
