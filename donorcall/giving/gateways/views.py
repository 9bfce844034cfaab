"""The gateway's door into donorcall: POST /giving/gateway/callback/ (docs/payments.md).

Public by necessity: the caller is the gateway, not a signed-in user, and it cannot fetch a
CSRF token. The signature is what proves who sent it.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError

from .links import receive_callback
from .signatures import HEADER


@csrf_exempt
@login_not_required
@require_POST
def gateway_callback(request: HttpRequest) -> JsonResponse:
    try:
        link = receive_callback(request.body, request.headers.get(HEADER))
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"id": link.gateway_id, "status": link.status})
