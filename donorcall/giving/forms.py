"""Giving forms. They parse what was typed; the rules (amounts, currencies, card numbers,
mandates) live in actions.py, and a refusal lands on the field it names."""

from django import forms
from django.http import QueryDict

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import attach_error

from .actions import ResolveOutcome, today
from .currencies import DEFAULT_CURRENCY
from .models import (
    DonationStatus,
    Frequency,
    GiftKind,
    PaymentMethod,
    PaymentStatus,
    RegularGiftStatus,
)

NO_CARDS = "Never a card number or security code."


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    # type="date" needs the ISO format, whatever the language's usual date format is.
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, required=required, widget=widget, help_text=help_text)


def amount_field() -> forms.DecimalField:
    return forms.DecimalField(widget=forms.TextInput(attrs={"inputmode": "decimal"}))


def currency_field() -> forms.CharField:
    return forms.CharField(initial=DEFAULT_CURRENCY, help_text="Three-letter code, e.g. GBP.")


def text_field(label: str = "", help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label or None, required=False, help_text=help_text)


def notes_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"{NO_CARDS} No health details.",
    )


def gateway_reference_field() -> forms.CharField:
    return text_field(
        "Payment gateway reference",
        f"Card payments: the reference (token) the payment gateway gave. {NO_CARDS}",
    )


class DonationForm(forms.Form):
    amount = amount_field()
    currency = currency_field()
    received_on = date_field("Date received")
    method = forms.ChoiceField(choices=[("", "Choose…"), *PaymentMethod.choices])
    status = forms.ChoiceField(choices=DonationStatus.choices, initial=DonationStatus.RECEIVED)
    campaign = text_field(help_text="Appeal or campaign code.")
    fund = text_field()
    gift_aid = forms.BooleanField(label="Gift Aid on this donation", required=False)
    gateway_reference = gateway_reference_field()
    notes = notes_field()


class RegularGiftForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=GiftKind.choices)
    amount = amount_field()
    currency = currency_field()
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    started_on = date_field("Start date")
    # Card is not offered: a repeating card payment needs the gateway (see the action).
    method = forms.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0] != PaymentMethod.CARD],
        initial=PaymentMethod.DIRECT_DEBIT,
    )
    mandate_reference = text_field(
        help_text="Needed for a direct debit: the reference on the donor's bank instruction."
    )
    sponsored = text_field(
        "Sponsored child or project", "Sponsorships: the child's or the project's reference."
    )
    campaign = text_field(help_text="Appeal or campaign code.")
    fund = text_field()
    gift_aid = forms.BooleanField(label="Gift Aid on this gift", required=False)
    notes = notes_field()


class PaymentForm(forms.Form):
    due_on = date_field("Due date")
    amount = amount_field()
    status = forms.ChoiceField(choices=PaymentStatus.choices, initial=PaymentStatus.SCHEDULED)
    failure_reason = text_field(
        help_text="A failed payment: the bank's or the gateway's reason, e.g. “Refer to payer”."
    )
    paid_on = date_field(
        "Date paid", required=False, help_text="A paid payment: leave empty for the due date."
    )
    gateway_reference = gateway_reference_field()


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened", choices=ResolveOutcome.choices, widget=forms.RadioSelect
    )
    new_due_on = date_field(
        "New date", required=False, help_text="When collecting again: the day to collect."
    )


class GiftStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status", choices=RegularGiftStatus.choices, widget=forms.RadioSelect
    )


def attach_refusal(form: forms.Form, error: DomainError) -> None:
    """``attach_error``, and a refused card number is not sent back to the browser: the field
    comes back empty, so the number sits in no page, cache or screenshot."""
    attach_error(form, error)
    if error.code == "card_number_refused" and error.field and isinstance(form.data, QueryDict):
        data = form.data.copy()
        data[error.field] = ""
        form.data = data


def initial_dates(*names: str) -> dict[str, object]:
    return {name: today() for name in names}
