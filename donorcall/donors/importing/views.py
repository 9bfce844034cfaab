"""The import pages for managers: upload a file → map its columns → follow the job.

The upload is kept under a random token that only the uploader's session knows; the job is
queued for the worker, and the job page polls a small fragment (htmx, every second) until the
worker has finished.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from donorcall.donors.models import ColumnMapping, ImportJob, ImportStatus
from donorcall.lib.errors import InvalidInput
from donorcall.lib.forms import attach_error, form_status
from donorcall.lib.http import AuthedRequest
from donorcall.lib.spreadsheet import csv_lines

from . import jobs
from .fields import guess_mapping, import_fields, saved_mapping_fits
from .forms import MappingForm, UploadForm
from .reader import read_headers

SESSION_KEY = "import_uploads"  # token → the uploaded file's name, for this session only
RECENT = 20
SHOWN_PROBLEMS = 200


@permission_required("donors.add_importjob", raise_exception=True)
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            token = jobs.accept_upload(upload)
        except InvalidInput as error:
            attach_error(form, error)
        else:
            request.session[SESSION_KEY] = {**uploads(request), token: upload.name[:255]}
            return redirect("donors:import-mapping", token=token)
    recent = ImportJob.objects.select_related("created_by")[:RECENT]
    context = {"form": form, "recent": recent}
    return render(request, "donors/import/upload.html", context, status=form_status(form))


@permission_required("donors.add_importjob", raise_exception=True)
def import_mapping(request: AuthedRequest, token: str) -> HttpResponse:
    name = uploads(request).get(token)
    if name is None:
        raise Http404("No such upload")
    path = jobs.upload_path(token)
    headers, fields = read_headers(path), import_fields()
    offered = [m for m in ColumnMapping.objects.all() if saved_mapping_fits(m.mapping, headers)]
    chosen = chosen_mapping(request, offered, headers)
    initial = chosen.mapping if chosen else guess_mapping(headers, fields)
    form = MappingForm(request.POST or None, headers=headers, fields=fields, mapping=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.start_import(
                path,
                original_name=name,
                mapping=form.mapping(),
                mode=form.cleaned_data["mode"],
                region=form.cleaned_data["default_region"],
                save_as=form.cleaned_data["save_as"],
                by=request.user,
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            request.session[SESSION_KEY] = {k: v for k, v in uploads(request).items() if k != token}
            messages.success(request, "Import queued: it starts in a moment.")
            return redirect("donors:import-job", pk=job.pk)
    context = {"form": form, "name": name, "offered": offered, "chosen": chosen, "token": token}
    return render(request, "donors/import/mapping.html", context, status=form_status(form))


def uploads(request: AuthedRequest) -> dict[str, str]:
    return dict(request.session.get(SESSION_KEY, {}))


def chosen_mapping(
    request: AuthedRequest, offered: list[ColumnMapping], headers: list[str]
) -> ColumnMapping | None:
    """The saved mapping asked for (?use=id), else one made for exactly these headers."""
    wanted = request.GET.get("use", "")
    for mapping in offered:
        if str(mapping.pk) == wanted:
            return mapping
    return next((mapping for mapping in offered if mapping.headers == headers), None)


@permission_required("donors.view_importjob", raise_exception=True)
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = jobs.job_for(request.user, pk)
    return render(request, "donors/import/job.html", job_context(job))


@permission_required("donors.view_importjob", raise_exception=True)
def import_job_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """The fragment the job page polls while the job is queued or running."""
    job = jobs.job_for(request.user, pk)
    return render(request, "donors/import/job.html#status", job_context(job))


def job_context(job: ImportJob) -> dict[str, object]:
    problems = job.errors or []
    return {
        "job": job,
        "active": job.status in {ImportStatus.QUEUED, ImportStatus.RUNNING},
        "problems": problems[:SHOWN_PROBLEMS],
        "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
        "error_count": sum(1 for p in problems if p.get("level") != "warning"),
        "warning_count": sum(1 for p in problems if p.get("level") == "warning"),
    }


@permission_required("donors.view_importjob", raise_exception=True)
def import_report(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    """The job's problems as CSV: line, column, level, reason (never a cell's value)."""
    job = jobs.job_for(request.user, pk)
    rows = ([p["line"], p["column"], p.get("level", "error"), p["reason"]] for p in job.errors)
    response = StreamingHttpResponse(
        csv_lines(["line", "column", "level", "reason"], rows), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response
