"""Settings › Email templates (administrators): list, add, edit with a preview, retire."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from donorcall.campaigns.forms import attach_refusal
from donorcall.lib.errors import DomainError
from donorcall.lib.forms import form_status
from donorcall.lib.http import AuthedRequest

from .. import actions, queries
from ..forms import EmailTemplateForm
from ..models import EmailTemplate, carries_unsubscribe
from ..rendering import render_example

FIELDS = ("name", "purpose", "subject", "body", "is_active")


@permission_required("outbox.change_emailtemplate", raise_exception=True)
def template_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "outbox/template_list.html", {"templates": queries.all_templates()})


@permission_required("outbox.add_emailtemplate", raise_exception=True)
def template_create(request: AuthedRequest) -> HttpResponse:
    return template_form(request, None)


@permission_required("outbox.change_emailtemplate", raise_exception=True)
def template_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return template_form(request, queries.template_for(request.user, pk))


def template_form(request: AuthedRequest, template: EmailTemplate | None) -> HttpResponse:
    """Save, or with the Preview button show the email for an example donor without saving."""
    initial = {name: getattr(template, name) for name in FIELDS} if template else None
    form = EmailTemplateForm(request.POST or None, initial=initial)
    previewing = "preview" in request.POST
    if request.method == "POST" and form.is_valid() and not previewing:
        try:
            saved = actions.save_template(template, **form.cleaned_data, by=request.user)
        except DomainError as error:
            attach_refusal(form, error)
        else:
            messages.success(request, f"Email template {saved.name} saved.")
            return redirect("outbox:template-list")
    context = {"form": form, "template": template} | preview(form, template)
    return render(request, "outbox/template_form.html", context, status=form_status(form))


def preview(form: EmailTemplateForm, template: EmailTemplate | None) -> dict[str, object]:
    """The typed text if the form was posted, else the saved template's."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else None
    source = data or (template and {name: getattr(template, name) for name in FIELDS})
    if not source:
        return {}
    subject, body = render_example(source["subject"], source["body"])
    return {"preview_subject": subject, "preview_body": body,
            "preview_unsubscribe": carries_unsubscribe(source["purpose"])}  # fmt: skip


@permission_required("outbox.change_emailtemplate", raise_exception=True)
@require_POST
def template_retire(request: AuthedRequest, pk: int) -> HttpResponse:
    template = actions.retire_template(queries.template_for(request.user, pk), by=request.user)
    messages.success(request, f"Email template {template.name} retired.")
    return redirect("outbox:template-list")
