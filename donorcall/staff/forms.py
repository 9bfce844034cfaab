from django import forms
from django.db.models import Q

from .models import JobRole, Role, User


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class UserForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices)


class NewUserForm(UserForm):
    username = forms.CharField(max_length=150, help_text="What they type to sign in.")
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "password"]


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )


class JobRoleForm(forms.Form):
    name = forms.CharField(max_length=80)
    makes_outbound_calls = forms.BooleanField(
        label="Makes outbound calls", required=False, initial=True
    )
    takes_inbound_calls = forms.BooleanField(label="Takes inbound calls", required=False)
    members = forms.ModelMultipleChoiceField(
        label="Who may sign in with it",
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def __init__(self, *args, job_role: JobRole | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A deactivated member stays listed (and ticked) so saving the role does not drop them.
        if job_role is not None:
            members = self.fields["members"]
            members.queryset = User.objects.filter(  # type: ignore[attr-defined]
                Q(is_active=True) | Q(job_roles=job_role)
            ).distinct()
