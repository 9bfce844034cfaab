"""The Call Center's small forms. Each one only parses; the actions decide."""

import uuid
from datetime import time

from django import forms

from donorcall.callcenter.actions.shifts import MAX_EXTENSION_HOURS
from donorcall.campaigns.models import BreakReason, Campaign, EndedReasonCode, SkipReason, Team
from donorcall.giving import forms as giving_forms
from donorcall.giving.models import Frequency, GiftKind, PaymentMethod
from donorcall.staff.models import JobRole

DEFAULT_SHIFT_END = time(17, 0)
# Taken on the phone without a card: the money comes by these, recorded as pending until it
# arrives (cash and cheques are posted; a transfer is made by the donor).
IN_CALL_METHODS = [PaymentMethod.BANK_TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CASH]
# Or the donor pays by card on the gateway's page, from a link donorcall emails them.
PAY_BY_LINK = "pay_by_link"


class SignInForm(forms.Form):
    job_role = forms.ModelChoiceField(
        queryset=JobRole.objects.filter(is_active=True), empty_label=None, label="Job role"
    )


class ShiftTimeForm(forms.Form):
    """Shift Time Confirmation."""

    job_role = forms.ModelChoiceField(
        queryset=JobRole.objects.filter(is_active=True), widget=forms.HiddenInput
    )
    ends_at = forms.TimeField(
        label="Your shift ends at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Today, or tomorrow if that time has passed.",
    )
    extension_hours = forms.TypedChoiceField(
        label="Extension hours",
        coerce=int,
        choices=[(n, f"{n} hour{'s' if n != 1 else ''}" if n else "None") for n in
                 range(MAX_EXTENSION_HOURS + 1)],
        initial=0,
        help_text="Stay signed in this much longer than the shift's end.",
    )  # fmt: skip


class ReadyForm(forms.Form):
    """The dialler popup: a team and the campaigns to call for."""

    team = forms.ModelChoiceField(queryset=Team.objects.filter(is_active=True), required=False)
    campaigns = forms.ModelMultipleChoiceField(queryset=Campaign.objects.all(), required=False)


class SkipForm(forms.Form):
    skip_reason = forms.ModelChoiceField(queryset=SkipReason.objects.all(), required=False)


class BreakForm(forms.Form):
    break_reason = forms.ModelChoiceField(queryset=BreakReason.objects.all(), required=False)


class OutcomeForm(forms.Form):
    """End call → ended reason → disposition (only those under that reason) → notes. The page
    has one disposition list per ended reason (``disposition_<code>``); the chosen reason's
    counts."""

    reason = forms.ChoiceField(choices=EndedReasonCode.choices, label="Ended reason",
                               error_messages={"required": "Choose an ended reason."})  # fmt: skip
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def disposition_id(self) -> int | None:
        raw = self.data.get(f"disposition_{self.cleaned_data['reason']}", "")
        return int(raw) if str(raw).isdigit() else None


# --- In the call: gifts -------------------------------------------------------------------------


def request_key_field() -> forms.UUIDField:
    """The form's key for one submission: a double click or a retried post records one gift."""
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class DonationInCallForm(forms.Form):
    amount = giving_forms.amount_field()
    currency = giving_forms.currency_field()
    method = forms.ChoiceField(
        label="How the donor pays",
        choices=[(m.value, m.label) for m in IN_CALL_METHODS]
        + [(PAY_BY_LINK, "Pay by link (emailed to the donor)")],
    )
    gift_aid = forms.BooleanField(label="Gift Aid on this donation", required=False)
    notes = giving_forms.notes_field()
    request_key = request_key_field()


class RegularGiftInCallForm(forms.Form):
    kind = forms.ChoiceField(label="Type", choices=GiftKind.choices)
    amount = giving_forms.amount_field()
    currency = giving_forms.currency_field()
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.MONTHLY)
    started_on = giving_forms.date_field("Start date")
    method = forms.ChoiceField(
        choices=[(PaymentMethod.DIRECT_DEBIT.value, PaymentMethod.DIRECT_DEBIT.label),
                 (PaymentMethod.STANDING_ORDER.value, PaymentMethod.STANDING_ORDER.label)],
    )  # fmt: skip
    mandate_reference = giving_forms.text_field(
        help_text="Direct debit: the reference of the donor's mandate."
    )
    sponsored = giving_forms.text_field("Sponsored child or project")
    gift_aid = forms.BooleanField(label="Gift Aid on this gift", required=False)
    request_key = request_key_field()


class ResolveInCallForm(giving_forms.ResolveForm):
    payment = forms.IntegerField(widget=forms.HiddenInput)


# --- Inbound calls ----------------------------------------------------------------------------


class IncomingForm(forms.Form):
    caller = forms.CharField(label="Caller's number", max_length=40)


class InboundSearchForm(forms.Form):
    q = forms.CharField(label="Name, reference or email", max_length=200)


class NewCallerForm(forms.Form):
    """A caller not on file: the donor's name; the number is the caller's."""

    title = forms.CharField(required=False, max_length=20)
    first_name = forms.CharField(required=False, max_length=100)
    last_name = forms.CharField(max_length=100)
