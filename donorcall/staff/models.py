"""Staff: the people who use donorcall, their roles, and the job roles they sign in with."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """The three kinds of staff. Each is a Group whose permissions live in ``roles.py``."""

    AGENT = "Agent", "Agent"
    MANAGER = "Manager", "Manager"
    ADMINISTRATOR = "Administrator", "Administrator"


class User(AbstractUser):
    class Meta:
        ordering = ["first_name", "last_name", "username"]
        permissions = [
            ("use_call_center", "Can use the Call Center"),
            ("manage_staff", "Can create and deactivate users and job roles"),
        ]

    @property
    def role(self) -> str | None:
        """The user's role: the first of their groups that is a role (one per user)."""
        names = {group.name for group in self.groups.all()}
        return next((role.value for role in Role if role.value in names), None)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class JobRole(models.Model):
    """What a shift may do (seeds: "Job roles are added by your system administrator")."""

    name = models.CharField(max_length=80, unique=True)
    makes_outbound_calls = models.BooleanField(default=True)
    takes_inbound_calls = models.BooleanField(default=False)
    members = models.ManyToManyField(
        User, related_name="job_roles", blank=True, help_text="Who may sign in with this role."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(makes_outbound_calls=True) | models.Q(takes_inbound_calls=True),
                name="job_role_makes_or_takes_calls",
            )
        ]

    def __str__(self) -> str:
        return self.name


class LoginThrottle(models.Model):
    """Failed sign-ins per username, known or not, so a lockout says nothing about whether an
    account exists."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"throttle {self.pk}"


class ApiToken(models.Model):
    """A per-user key for integrations (CRM sync, phone systems). Only a hash is stored; the
    token itself is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What uses it, e.g. CRM sync.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
