"""Every change to staff: sign-in bookkeeping, users, job roles, API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from donorcall.lib.clock import now
from donorcall.lib.errors import DomainError, InvalidInput
from donorcall.staff.models import ApiToken, JobRole, LoginThrottle, Role, User

SIGN_IN_REFUSED = "That username and password did not match. Check them and try again."
LOCKED_OUT = (
    "Too many failed sign-ins: this account is locked for 30 minutes. "
    "An administrator can unlock it sooner."
)


class SignInRefused(DomainError):
    code = "sign_in_refused"
    status = 401


class AccountLocked(DomainError):
    code = "account_locked"
    status = 429


def sign_in(request: HttpRequest, *, username: str, password: str) -> User:
    """Check the password and start a session, or refuse with the same words whether the
    username exists or not. Django's login() rotates the session key (no fixation)."""
    key = username.strip().lower()
    throttle = LoginThrottle.objects.filter(username=key).first()
    if throttle and throttle.locked_until and throttle.locked_until > now():
        raise AccountLocked(LOCKED_OUT)
    user = authenticate(request, username=username.strip(), password=password)
    if user is None:
        record_failed_sign_in(key)
        raise SignInRefused(SIGN_IN_REFUSED)
    LoginThrottle.objects.filter(username=key).delete()
    login(request, user)
    request.session["signed_in_at"] = now().timestamp()
    request.session["seen_at"] = now().timestamp()
    return user


def record_failed_sign_in(username: str) -> LoginThrottle:
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(username=username)
        throttle.failures += 1
        throttle.last_failure_at = now()
        if throttle.failures >= settings.LOGIN_MAX_FAILURES:
            throttle.locked_until = now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            throttle.failures = 0
        throttle.save()
    return throttle


def unlock_user(user: User, *, by: User) -> User:
    LoginThrottle.objects.filter(username=user.username.lower()).delete()
    return user


def check_password_rules(password: str, *, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from error


def create_user(
    *,
    username: str,
    password: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    by: User | None,
) -> User:
    """A new member of staff with one role. ``by`` is None only for the CLI and the demo."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput("That username is taken.", field="username")
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    check_password_rules(password, user=candidate)
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        set_role(candidate, role=role, by=by)
    return candidate


def set_role(user: User, *, role: Role, by: User | None) -> User:
    role_names = [r.value for r in Role]
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name__in=role_names))
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def update_user(
    user: User, *, first_name: str, last_name: str, email: str, role: Role, by: User
) -> User:
    if user == by and role != Role.ADMINISTRATOR:
        raise InvalidInput("You cannot take away your own Administrator role.", field="role")
    with transaction.atomic():
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.save(update_fields=["first_name", "last_name", "email"])
        set_role(user, role=role, by=by)
    return user


def set_password(user: User, *, password: str, by: User) -> User:
    check_password_rules(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def deactivate_user(user: User, *, by: User) -> User:
    """A deactivated user cannot sign in; their calls and history stay theirs."""
    if user == by:
        raise InvalidInput("You cannot deactivate yourself.", code="cannot_deactivate_self")
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def reactivate_user(user: User, *, by: User) -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


def save_job_role(
    job_role: JobRole | None,
    *,
    name: str,
    makes_outbound_calls: bool,
    takes_inbound_calls: bool,
    members: list[User],
    is_active: bool = True,
    by: User | None,
) -> JobRole:
    """Create (job_role None) or change a job role."""
    name = name.strip()
    if not name:
        raise InvalidInput("Give the job role a name.", field="name")
    if not (makes_outbound_calls or takes_inbound_calls):
        raise InvalidInput(
            "A job role makes outbound calls, takes inbound calls, or both.",
            field="makes_outbound_calls",
        )
    clash = JobRole.objects.filter(name__iexact=name)
    if job_role is not None:
        clash = clash.exclude(pk=job_role.pk)
    if clash.exists():
        raise InvalidInput("A job role with that name already exists.", field="name")
    with transaction.atomic():
        job_role = job_role or JobRole()
        job_role.name = name
        job_role.makes_outbound_calls = makes_outbound_calls
        job_role.takes_inbound_calls = takes_inbound_calls
        job_role.is_active = is_active
        job_role.save()
        job_role.members.set(members)
    return job_role


def create_api_token(user: User, *, name: str, by: User | None) -> str:
    """Make a token for ``user`` and return it; only its hash is kept."""
    if not name.strip():
        raise InvalidInput("Say what the token is for.", field="name")
    token = "dc_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name.strip(), token_hash=hash_token(token))
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_api_token(api_token: ApiToken, *, by: User) -> ApiToken:
    api_token.revoked_at = api_token.revoked_at or now()
    api_token.save(update_fields=["revoked_at"])
    return api_token
