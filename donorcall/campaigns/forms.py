"""Campaign, team and settings-list forms. They parse what was typed; the rules live in the
actions, and a refusal lands on the field it names (``attach_refusal``)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from donorcall.lib.errors import DomainError
from donorcall.lib.forms import attach_error
from donorcall.staff.models import User

from . import queries
from .actions import WEEKDAYS, CampaignSettings
from .calllists import ListFilter
from .models import Campaign, DiallingMode, Team
from .scripts import MERGE_FIELDS

NO_CARDS = "Never a card number."


class ReasonForm(forms.Form):
    """A skip reason or a break reason."""

    name = forms.CharField(max_length=80)
    is_active = forms.BooleanField(
        label="In use", required=False, initial=True, help_text="Untick to retire it."
    )


class EndedReasonForm(forms.Form):
    description = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What agents read when they choose it. The name and its effect are built in.",
    )


class DispositionForm(forms.Form):
    name = forms.CharField(max_length=80)
    is_success = forms.BooleanField(label="Counts as a success in reports", required=False)
    is_active = forms.BooleanField(
        label="In use", required=False, initial=True, help_text="Untick to retire it."
    )


def time_field(label: str, help_text: str = "") -> forms.TimeField:
    widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    return forms.TimeField(label=label, widget=widget, help_text=help_text)


def date_field(label: str, help_text: str = "") -> forms.DateField:
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, required=False, widget=widget, help_text=help_text)


def hours_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_digits=7, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Hours, e.g. 4, 0.5 or 24.",
    )  # fmt: skip


def hours_text(minutes: int) -> str:
    """240 → "4", 600 → "10", 90 → "1.5": minutes as the hours a person would type."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()
    return f"{hours:f}"


def script_help() -> str:
    fields = ", ".join("{" + name + "}" for name in MERGE_FIELDS)
    return f"Shown to agents on the call. Merge fields: {fields}. {NO_CARDS}"


class CampaignForm(forms.Form):
    """Every campaign setting. Retry delays are typed in hours and kept in minutes."""

    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ModelChoiceField(
        label="Consent purpose", queryset=queries.purposes_to_choose(), empty_label="Choose…",
        help_text="Donors who withdrew phone consent for this purpose are never called.",
    )  # fmt: skip
    dialling_mode = forms.ChoiceField(
        choices=DiallingMode.choices, widget=forms.RadioSelect, initial=DiallingMode.PREVIEW,
        help_text="Preview: the agent sees the donor before calling. Progressive: the next "
        "donor is called as soon as the agent is ready.",
    )  # fmt: skip
    starts_on = date_field("Start date")
    ends_on = date_field("End date")
    calling_starts = time_field("Calls from", "In the donor's local time; not before 08:00.")
    calling_ends = time_field("Calls until", "Exclusive, and no later than 21:00.")
    calling_days = forms.TypedMultipleChoiceField(
        label="Calling days", choices=list(enumerate(WEEKDAYS)), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    no_answer_delay_hours = hours_field("After No answer, call again after")
    not_available_delay_hours = hours_field("After Not available, call again after")
    rotate_retry_times = forms.BooleanField(
        label="Vary the hour of retries", required=False,
        help_text="Adds 1–3 hours to whole-day delays, so a donor is not always tried at the "
        "same time.",
    )  # fmt: skip
    max_attempts = forms.IntegerField(label="Maximum attempts per donor")
    concluded_is_final = forms.BooleanField(
        label="Concluded is final", required=False,
        help_text="Untick to call a concluded donor again after some days.",
    )  # fmt: skip
    recall_after_days = forms.IntegerField(
        label="Call a concluded donor again after (days)", required=False,
        help_text="Only when Concluded is not final.",
    )  # fmt: skip
    preview_timeout_seconds = forms.IntegerField(
        label="Preview time (seconds)",
        help_text="Preview mode: how long an agent may look at a donor before calling.",
    )
    skip_allowed = forms.BooleanField(
        label="Agents may skip a donor (with a skip reason)", required=False
    )
    wrap_up_seconds = forms.IntegerField(
        label="Wrap-up time (seconds)",
        help_text="Progressive mode: the pause after a call before the next donor comes.",
    )
    caller_id = forms.CharField(
        label="Caller ID", max_length=30, required=False,
        help_text="The number donors see and can call back. Not a premium-rate number.",
    )  # fmt: skip
    requires_tps_screening = forms.BooleanField(
        label="TPS screening required", required=False,
        help_text="UK numbers are called only if a TPS screening file was uploaded in the "
        "last 28 days (each upload screens every UK number on file then); numbers on the file "
        "are never called (Suppression list). Numbers outside the UK are not affected.",
    )  # fmt: skip
    script = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 8}), help_text=script_help()
    )

    # Where an action's refusal of a setting lands on this form.
    FIELD_FOR = {
        "no_answer_delay_minutes": "no_answer_delay_hours",
        "not_available_delay_minutes": "not_available_delay_hours",
    }

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = queries.purposes_to_choose(campaign)  # type: ignore[attr-defined]

    def settings(self) -> CampaignSettings:
        data = dict(self.cleaned_data)
        for minutes, hours in self.FIELD_FOR.items():
            data[minutes] = round(data.pop(hours) * 60)
        return CampaignSettings(**data)

    @classmethod
    def initial_from(cls, settings: CampaignSettings) -> dict[str, Any]:
        initial = dict(settings.__dict__)
        for minutes, hours in cls.FIELD_FOR.items():
            initial[hours] = hours_text(initial.pop(minutes))
        return initial


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.role})" if obj.role else obj.display_name


class CampaignChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        return f"{obj.name} ({obj.get_status_display()})"


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    members = StaffChoice(
        label="Agents", queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Anyone with a role may be on a team; managers can take calls too.",
    )  # fmt: skip
    campaigns = CampaignChoice(
        label="Campaigns it works on", queryset=Campaign.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = queries.staff_to_choose(team).prefetch_related("groups")
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.fields["campaigns"].queryset = queries.campaigns_to_choose(team)  # type: ignore[attr-defined]


def attach_refusal(form: forms.Form, error: DomainError) -> None:
    """Put an action's refusal on the field it names. A refused card number is not sent back
    to the browser: the field comes back empty, so the number sits in no page or cache."""
    field = getattr(form, "FIELD_FOR", {}).get(error.field, error.field)
    attach_error(form, type(error)(error.message, field=field, code=error.code))
    if error.code == "card_number_refused" and field and isinstance(form.data, QueryDict):
        data = form.data.copy()
        data[field] = ""
        form.data = data


# --- Call lists ------------------------------------------------------------------------------


class CallListFilterForm(forms.Form):
    """A call list chosen by a filter: every condition optional, those given combined."""

    name = forms.CharField(
        max_length=120, required=False, help_text="e.g. “Failed payments, November”."
    )
    failed_payment_days = forms.IntegerField(
        label="A regular gift's payment failed in the last … days", required=False,
        min_value=1, max_value=3660, help_text="Leave empty for any donor.",
    )  # fmt: skip
    active_sponsorship = forms.BooleanField(label="Has an active sponsorship", required=False)
    no_gift_months = forms.IntegerField(
        label="No gift received for … months", required=False, min_value=1, max_value=240,
    )  # fmt: skip
    country = forms.CharField(
        label="Country of the primary address", required=False, max_length=2,
        help_text="Two-letter code, e.g. GB or US.",
    )  # fmt: skip
    has_email = forms.BooleanField(label="Has an email address", required=False)
    active_only = forms.BooleanField(
        label="Active donors only", required=False, initial=True,
        help_text="Deceased and erased donors are never called either way.",
    )  # fmt: skip

    def chosen(self) -> ListFilter:
        data = self.cleaned_data
        return ListFilter(
            failed_payment_days=data["failed_payment_days"],
            active_sponsorship=data["active_sponsorship"],
            no_gift_months=data["no_gift_months"],
            country=data["country"] or "",
            has_email=data["has_email"],
            active_only=data["active_only"],
        )


class CallListFileForm(forms.Form):
    """A call list from a file of donor references."""

    name = forms.CharField(max_length=120, required=False)
    file = forms.FileField(
        label="File of donor references",
        help_text="One reference a line, or a CSV file with a column named “reference”.",
    )
    skip_unknown = forms.BooleanField(
        label="Leave out references that match no donor", required=False,
        help_text="Otherwise a file with an unknown reference is refused, naming its lines.",
    )  # fmt: skip
