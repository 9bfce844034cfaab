"""Forms of the Calls and Reports pages. Filters travel by GET as ids, codes and dates only:
no donor name or number ever goes into a URL."""

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from donorcall.callcenter.models import Call, Direction
from donorcall.campaigns.models import Campaign, Disposition, EndedReasonCode, Team
from donorcall.lib.clock import now
from donorcall.staff.models import User
from donorcall.supervision.filters import CallFilter

DATE = forms.DateInput(attrs={"type": "date"})
REPORT_DAYS = 30  # the reports' default range: the last 30 days, today included


def agents_to_choose() -> QuerySet[User]:
    """Who can be filtered on: staff on a team, or who have made a call (an index lookup)."""
    made_calls = Exists(Call.objects.filter(agent=OuterRef("pk")))
    return (
        User.objects.filter(Q(teams__isnull=False) | Q(made_calls))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class CallFilterForm(forms.Form):
    date_from = forms.DateField(required=False, label="From", widget=DATE)
    date_to = forms.DateField(required=False, label="To", widget=DATE)
    agent = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any agent"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents_to_choose()  # type: ignore[attr-defined]

    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  empty_label="Any team")  # fmt: skip
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.all(), required=False,
                                      empty_label="Any campaign")  # fmt: skip
    ended_reason = forms.ChoiceField(
        choices=[("", "Any ended reason"), *EndedReasonCode.choices], required=False
    )
    disposition = forms.ModelChoiceField(
        queryset=Disposition.objects.select_related("ended_reason"), required=False,
        empty_label="Any disposition",
    )  # fmt: skip
    direction = forms.ChoiceField(choices=[("", "Both directions"), *Direction.choices],
                                  required=False)  # fmt: skip

    def chosen(self) -> CallFilter:
        return CallFilter(**self.cleaned_data) if self.is_valid() else CallFilter()


class ReportFilterForm(CallFilterForm):
    """The reports: a date range (30 days by default) and who or what they cover."""

    def __init__(self, data: object = None) -> None:
        super().__init__(data or None)
        for name in ("ended_reason", "disposition"):
            del self.fields[name]

    def chosen(self) -> CallFilter:
        picked = dict(self.cleaned_data) if self.is_valid() else {}
        today = now().date()
        picked["date_to"] = picked.get("date_to") or today
        picked["date_from"] = picked.get("date_from") or picked["date_to"] - timedelta(
            days=REPORT_DAYS - 1
        )
        return CallFilter(**picked)


class OutcomeForm(forms.Form):
    """A manager's outcome for a call: the ended reason, a disposition under it, notes."""

    reason = forms.ChoiceField(label="Ended reason", choices=EndedReasonCode.choices)
    disposition = forms.ModelChoiceField(
        queryset=Disposition.objects.filter(is_active=True).select_related("ended_reason"),
        required=False, empty_label="No disposition",
        help_text="Only a disposition under the ended reason is accepted.",
    )  # fmt: skip
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Never a card number.")  # fmt: skip
