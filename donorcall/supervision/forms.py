from django import forms

from donorcall.campaigns.models import BreakReason

from .models import LiveThresholds


class ThresholdsForm(forms.ModelForm):
    class Meta:
        model = LiveThresholds
        fields = [
            "long_call_minutes",
            "long_break_minutes",
            "long_wrap_up_minutes",
            "out_of_data_warning_minutes",
        ]
        labels = {
            "long_call_minutes": "A long call (minutes)",
            "long_break_minutes": "A long break (minutes)",
            "long_wrap_up_minutes": "A long wrap-up (minutes)",
            "out_of_data_warning_minutes": "Warn before Out of Data (minutes)",
        }

    def clean(self):
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if value is not None and not 1 <= value <= 600:
                self.add_error(name, "Between 1 and 600 minutes.")
        return cleaned


class BreakForm(forms.Form):
    break_reason = forms.ModelChoiceField(
        queryset=BreakReason.objects.filter(is_active=True),
        error_messages={
            "required": "Choose a break reason.",
            "invalid_choice": "Choose a break reason.",
        },
    )
