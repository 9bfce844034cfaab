"""Communications › Outbox (managers): every email with its status and error, and Resend."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from donorcall.lib.errors import DomainError
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..forms import StatusFilter
from ..models import EmailStatus

PER_PAGE = 50


@permission_required("outbox.view_outgoingemail", raise_exception=True)
def email_list(request: AuthedRequest) -> HttpResponse:
    form = StatusFilter(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(queries.outbox(status), PER_PAGE).get_page(request.GET.get("page"))
    counts = queries.status_counts()
    context = {
        "page": page, "status": status, "form": form,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in EmailStatus.choices],
        "total": sum(counts.values()),
    }  # fmt: skip
    return render(request, "outbox/email_list.html", context)


@permission_required("outbox.resend_outgoingemail", raise_exception=True)
@require_POST
def email_resend(request: AuthedRequest, pk: int) -> HttpResponse:
    email = queries.email_for(request.user, pk)
    try:
        actions.resend(email, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Email {email.pk} queued again.")
    status = request.POST.get("status", "")
    query = f"?{urlencode({'status': status})}" if status in EmailStatus.values else ""
    return redirect(reverse("outbox:email-list") + query)
