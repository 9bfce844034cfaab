"""The unsubscribe page a donor reaches from an email: public, no sign-in.

The link holds a signed email id and nothing else. A GET only asks (mail scanners follow
links); the confirm button POSTs and records the withdrawal. The one-click URL is for mail
programs (RFC 8058 List-Unsubscribe-Post), which POST without a CSRF token; the token in the
URL is the proof, as it is for the page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from donorcall.lib.errors import DomainError

from .. import actions
from ..models import OutgoingEmail


def email_or_404(token: str) -> OutgoingEmail:
    try:
        return actions.email_for_token(token)
    except DomainError as error:
        raise Http404(error.message) from error


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str) -> HttpResponse:
    email = email_or_404(token)
    done = request.method == "POST"
    if done:
        actions.unsubscribe(token)
    context = {"email": email, "purpose": email.purpose.name.lower(), "done": done,
               "organisation": settings.DONORCALL_ORGANISATION_NAME}  # fmt: skip
    return render(request, "outbox/unsubscribe.html", context)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token: str) -> HttpResponse:
    if request.method == "GET":
        return redirect("outbox:unsubscribe", token=token)
    email_or_404(token)
    actions.unsubscribe(token)
    return HttpResponse("Unsubscribed.", content_type="text/plain")
