"""Sign-in, the home page, and Settings › Staff and Job roles (administrators)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from donorcall.donors.queries import vulnerable_donors
from donorcall.lib.errors import DomainError, InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest
from donorcall.navigation import sections_for

from . import actions, queries
from .forms import JobRoleForm, NewUserForm, PasswordForm, SignInForm, UserForm
from .models import JobRole, Role

manage_staff = permission_required("staff.manage_staff", raise_exception=True)


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_in(request, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect(safe_next(request))
    return render(request, "staff/sign_in.html", {"form": form}, status=form_status(form))


def safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@require_POST
def sign_out(request: AuthedRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("staff:login")


def home(request: AuthedRequest) -> HttpResponse:
    context: dict[str, object] = {"sections": sections_for(request.user)}
    if request.user.has_perm("donors.change_donor"):
        # The alert a manager needs first: donors an agent flagged as possibly vulnerable.
        context["vulnerable_count"] = vulnerable_donors().count()
    return render(request, "staff/home.html", context)


@manage_staff
def staff_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "staff/staff_list.html",
        {"users": queries.staff_list(), "job_roles": JobRole.objects.prefetch_related("members")},
    )


@manage_staff
def user_create(request: AuthedRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.create_user(
                **form.cleaned_data | {"role": Role(form.cleaned_data["role"])}, by=request.user
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"{user.display_name} can now sign in.")
            return redirect("staff:staff-list")
    return render(
        request, "staff/user_form.html", {"form": form, "subject": None}, status=form_status(form)
    )


@manage_staff
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = queries.user_for(request.user, pk)
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "role": subject.role,
    }
    form = UserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_user(
                subject,
                **form.cleaned_data | {"role": Role(form.cleaned_data["role"])},
                by=request.user,
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"{subject.display_name} saved.")
            return redirect("staff:staff-list")
    context = {"form": form, "subject": subject, "password_form": PasswordForm()}
    return render(request, "staff/user_form.html", context, status=form_status(form))


@manage_staff
@require_POST
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = queries.user_for(request.user, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            actions.set_password(subject, password=form.cleaned_data["password"], by=request.user)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"New password set for {subject.display_name}.")
            return redirect("staff:user-edit", pk=subject.pk)
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "role": subject.role,
    }
    context = {"form": UserForm(initial=initial), "subject": subject, "password_form": form}
    return render(request, "staff/user_form.html", context, status=400)


@manage_staff
@require_POST
def user_active(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = queries.user_for(request.user, pk)
    try:
        if request.POST.get("active") == "1":
            actions.reactivate_user(subject, by=request.user)
            actions.unlock_user(subject, by=request.user)
            messages.success(request, f"{subject.display_name} can sign in again.")
        else:
            actions.deactivate_user(subject, by=request.user)
            messages.success(request, f"{subject.display_name} is deactivated and cannot sign in.")
    except InvalidInput as error:
        messages.error(request, error.message)
    return redirect("staff:staff-list")


@manage_staff
def job_role_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    job_role = queries.job_role_for(request.user, pk) if pk else None
    initial = (
        {"name": job_role.name, "makes_outbound_calls": job_role.makes_outbound_calls,
         "takes_inbound_calls": job_role.takes_inbound_calls, "members": job_role.members.all(),
         "is_active": job_role.is_active}
        if job_role else None
    )  # fmt: skip
    form = JobRoleForm(request.POST or None, initial=initial, job_role=job_role)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            saved = actions.save_job_role(
                job_role, **data | {"members": list(data["members"])}, by=request.user
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Job role {saved.name} saved.")
            return redirect("staff:staff-list")
    context = {"form": form, "job_role": job_role}
    return render(request, "staff/job_role_form.html", context, status=form_status(form))
