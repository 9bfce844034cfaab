"""Settings › Phone lines: the numbers donors call, and the team that answers each."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from donorcall.campaigns.models import Team
from donorcall.lib.errors import DomainError
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest

from . import actions
from .models import PhoneLine

manage_lines = permission_required("telephony.change_phoneline", raise_exception=True)


class PhoneLineForm(forms.Form):
    number = forms.CharField(label="Number donors call", max_length=40)
    name = forms.CharField(required=False, max_length=100, help_text="E.g. Supporter care.")
    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True), required=False)


@manage_lines
def line_list(request: AuthedRequest) -> HttpResponse:
    form = PhoneLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = actions.add_phone_line(**form.cleaned_data)
        except DomainError as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Line {line.number} added.")
            return redirect("telephony:line-list")
    lines = PhoneLine.objects.select_related("team")
    context = {"lines": lines, "form": form}
    return render(request, "telephony/line_list.html", context, status=form_status(form))


@manage_lines
@require_POST
def line_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(PhoneLine, pk=pk)
    actions.remove_phone_line(line)
    messages.success(request, f"Line {line.number} removed.")
    return redirect("telephony:line-list")
