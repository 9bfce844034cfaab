"""Forms for the appointment pages and the in-call Schedule Appointment form. They only
parse input; the rules (clock changes, the calling ceiling, owners) are the actions'."""

from datetime import datetime

from django import forms

from donorcall.appointments.models import AppointmentStatus
from donorcall.campaigns.models import Campaign, Team
from donorcall.staff.models import User

ME, TEAM = "me", "team"
DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class SlotForm(forms.Form):
    """A date and time on the donor's clock, in one of the donor's zones."""

    date = forms.DateField(widget=DATE)
    time = forms.TimeField(widget=TIME)
    zone = forms.ChoiceField(label="Donor's time zone")

    def __init__(self, *args: object, zones: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["zone"].choices = [(zone, zone) for zone in zones]  # type: ignore[attr-defined]
        if len(zones) == 1:
            self.fields["zone"].initial = zones[0]

    @property
    def local(self) -> datetime:
        return datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])


class InCallForm(SlotForm):
    owner = forms.ChoiceField(
        choices=[(ME, "Me"), (TEAM, "Anyone in the team")], initial=ME, widget=forms.RadioSelect
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RescheduleForm(SlotForm):
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone on the team"
    )

    def __init__(self, *args: object, owners: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is it cancelled?")


class FilterForm(forms.Form):
    date_from = forms.DateField(required=False, label="From", widget=DATE)
    date_to = forms.DateField(required=False, label="To", widget=DATE)
    agent = forms.ModelChoiceField(
        queryset=User.objects.filter(teams__isnull=False).distinct(), required=False,
        empty_label="Any agent",
    )  # fmt: skip
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, empty_label="Any team"
    )
    campaign = forms.ModelChoiceField(
        queryset=Campaign.objects.all(), required=False, empty_label="Any campaign"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *AppointmentStatus.choices], required=False
    )


class ProfileForm(SlotForm):
    """Schedule from the donor's profile (managers): any campaign, any owner on it."""

    campaign = forms.ModelChoiceField(queryset=Campaign.objects.none())
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, teams__isnull=False).distinct(),
        required=False, empty_label="Anyone on the team",
    )  # fmt: skip
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["campaign", "date", "time", "zone", "owner", "notes"]

    def __init__(self, *args: object, campaigns: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.order_fields(self.field_order)
