from django import forms
from django.conf import settings

from donorcall.donors.models import ImportMode

from .fields import NOT_IMPORTED, ImportField


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="A CSV file (comma, semicolon or tab separated) whose first row names the "
        "columns. Save a spreadsheet as “CSV UTF-8” first.",
    )


def field_choices(fields: list[ImportField]) -> list:
    groups: dict[str, list[tuple[str, str]]] = {}
    for candidate in fields:
        groups.setdefault(candidate.group, []).append((candidate.key, candidate.label))
    return [(NOT_IMPORTED, "— don't import —"), *groups.items()]


class MappingForm(forms.Form):
    """One choice per column of the file, then how to import."""

    mode = forms.ChoiceField(
        label="Bad rows",
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    default_region = forms.CharField(
        label="Default country",
        max_length=2,
        help_text="Numbers written without a country code (+44, +1…) are read as numbers of "
        "this country, e.g. GB or US. It is also the country of an address without one.",
    )
    save_as = forms.CharField(
        label="Save this mapping as",
        max_length=100,
        required=False,
        help_text="A name, to offer the same mapping for the next file with these columns.",
    )

    def __init__(self, *args, headers: list[str], fields: list[ImportField], **kwargs):
        initial = kwargs.pop("mapping", {})
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.fields["default_region"].initial = settings.DONORCALL_DEFAULT_REGION
        choices = field_choices(fields)
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial.get(header, NOT_IMPORTED),
            )

    @property
    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or NOT_IMPORTED
            for index, header in enumerate(self.headers)
        }
