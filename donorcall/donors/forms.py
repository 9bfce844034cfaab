from django import forms

from .actions import AddressDetails, DonorDetails
from .models import (
    Channel,
    ConsentSource,
    ConsentStatus,
    DonorStatus,
    PhoneKind,
    Purpose,
    SuppressionKind,
    SuppressionReason,
)

TITLES = ["", "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Rev", "Prof", "Sir", "Dame", "Lord", "Lady"]


class DonorSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, reference, email or phone number",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class DonorForm(forms.Form):
    title = forms.ChoiceField(choices=[(t, t or "—") for t in TITLES], required=False)
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(
        max_length=100, required=False, help_text="Needed for a person, not an organisation."
    )
    is_organisation = forms.BooleanField(label="This donor is an organisation", required=False)
    organisation_name = forms.CharField(max_length=200, required=False)
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )
    status = forms.ChoiceField(
        choices=[c for c in DonorStatus.choices if c[0] != DonorStatus.ERASED],
        initial=DonorStatus.ACTIVE,
    )

    def details(self) -> DonorDetails:
        data = self.cleaned_data
        return DonorDetails(
            title=data["title"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            is_organisation=data["is_organisation"],
            organisation_name=data["organisation_name"],
            date_of_birth=data["date_of_birth"],
            status=data["status"],
        )


class NewDonorForm(DonorForm):
    reference = forms.CharField(
        max_length=32, required=False, help_text="Leave empty to have one made for you."
    )
    phone_number = forms.CharField(
        max_length=40, required=False, help_text="Any common format, e.g. 07700 900123."
    )
    email = forms.CharField(max_length=254, required=False)
    line1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(label="Town or city", max_length=100, required=False)
    region = forms.CharField(label="County or state", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode or ZIP", max_length=20, required=False)
    country = forms.CharField(max_length=2, initial="GB", required=False)

    field_order = [
        *("reference", "title", "first_name", "last_name", "is_organisation"),
        *("organisation_name", "date_of_birth", "status", "phone_number", "email"),
    ]

    def address(self) -> AddressDetails | None:
        data = self.cleaned_data
        parts = [data[name] for name in ("line1", "line2", "city", "region", "postcode")]
        if not any(part.strip() for part in parts):
            return None
        return AddressDetails(
            line1=data["line1"],
            line2=data["line2"],
            city=data["city"],
            region=data["region"],
            postcode=data["postcode"],
            country=data["country"] or "GB",
        )


class PhoneNumberForm(forms.Form):
    number = forms.CharField(max_length=40, help_text="Any common format, e.g. 07700 900123.")
    kind = forms.ChoiceField(
        choices=[("", "Work it out from the number"), *PhoneKind.choices], required=False
    )
    primary = forms.BooleanField(label="Make this the primary number", required=False)


class EmailForm(forms.Form):
    email = forms.CharField(max_length=254)
    primary = forms.BooleanField(label="Make this the primary email", required=False)


class AddressForm(forms.Form):
    line1 = forms.CharField(label="Address line 1", max_length=200)
    line2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    city = forms.CharField(label="Town or city", max_length=100, required=False)
    region = forms.CharField(label="County or state", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode or ZIP", max_length=20, required=False)
    country = forms.CharField(max_length=2, initial="GB")
    primary = forms.BooleanField(label="Make this the primary address", required=False)

    def details(self) -> AddressDetails:
        data = self.cleaned_data
        return AddressDetails(
            line1=data["line1"],
            line2=data["line2"],
            city=data["city"],
            region=data["region"],
            postcode=data["postcode"],
            country=data["country"],
        )


class RemovalForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="Why it is being removed, e.g. Wrong number, Moved away."
    )


class ConsentForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)
    purpose = forms.ModelChoiceField(
        queryset=Purpose.objects.filter(is_active=True), empty_label=None
    )
    status = forms.ChoiceField(choices=ConsentStatus.choices, widget=forms.RadioSelect)
    source = forms.ChoiceField(
        label="How was it given?",
        choices=[c for c in ConsentSource.choices if c[0] != ConsentSource.IMPORT],
    )
    wording = forms.CharField(
        label="Wording or evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the donor was told or said, or where the letter is filed.",
    )


class SuppressionForm(forms.Form):
    kind = forms.ChoiceField(label="What", choices=SuppressionKind.choices)
    value = forms.CharField(label="Number or email", max_length=254)
    reason = forms.ChoiceField(choices=SuppressionReason.choices)
    source = forms.CharField(max_length=200, required=False, help_text="Where this came from.")


class SuppressionSearchForm(forms.Form):
    value = forms.CharField(label="Number or email", max_length=254, required=False)
    reason = forms.ChoiceField(
        choices=[("", "Any reason"), *SuppressionReason.choices], required=False
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ScreeningUploadForm(forms.Form):
    file = forms.FileField(
        label="Screening file", help_text="One number per line, in any common format."
    )
    reason = forms.ChoiceField(
        choices=[
            (SuppressionReason.TPS, SuppressionReason.TPS.label),
            (SuppressionReason.FPS, SuppressionReason.FPS.label),
            (SuppressionReason.MANUAL, "Another do-not-call list"),
        ]
    )
    source = forms.CharField(
        max_length=200, required=False, help_text="e.g. TPS screening, November 2026."
    )


class ErasureForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="Why, e.g. the donor's request by letter of 20 November."
    )
    confirm = forms.CharField(label="Type the donor's reference to confirm", max_length=32)


class PurposeForm(forms.Form):
    name = forms.CharField(max_length=80)
    is_active = forms.BooleanField(label="In use", required=False, initial=True)
