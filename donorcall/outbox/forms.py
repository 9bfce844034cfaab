"""Outbox forms. They parse what was typed; the rules live in the actions."""

from django import forms

from donorcall.campaigns.scripts import MERGE_FIELDS
from donorcall.donors.models import Purpose

from .models import EmailStatus

MERGE_HELP = "Merge fields: " + ", ".join(f"{{{name}}}" for name in MERGE_FIELDS) + "."


class EmailTemplateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Agents choose templates by this name.")
    purpose = forms.ModelChoiceField(
        queryset=Purpose.objects.filter(is_active=True),
        help_text="Why we email: the donor's email consent for this purpose is checked, and "
        "every purpose but service carries an unsubscribe link.",
    )
    subject = forms.CharField(max_length=200, help_text=MERGE_HELP)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=MERGE_HELP + " Plain text. Never a card number.",
    )
    is_active = forms.BooleanField(
        label="In use", required=False, initial=True, help_text="Untick to retire it."
    )


class StatusFilter(forms.Form):
    status = forms.ChoiceField(choices=[("", "All"), *EmailStatus.choices], required=False)
