"""Reads of staff shared by pages and the API."""

from django.db.models import QuerySet
from django.http import Http404

from .models import JobRole, User


def staff_list() -> QuerySet[User]:
    return User.objects.prefetch_related("groups").order_by("-is_active", "first_name", "last_name")


def user_for(admin: User, pk: int) -> User:
    if not admin.has_perm("staff.manage_staff"):
        raise Http404("No such user")
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404("No such user")
    return user


def job_role_for(admin: User, pk: int) -> JobRole:
    if not admin.has_perm("staff.manage_staff"):
        raise Http404("No such job role")
    job_role = JobRole.objects.filter(pk=pk).first()
    if job_role is None:
        raise Http404("No such job role")
    return job_role


def job_roles_for_agent(user: User) -> QuerySet[JobRole]:
    """The job roles an agent may sign in with (the Call Center's drop-down)."""
    return JobRole.objects.filter(is_active=True, members=user)
