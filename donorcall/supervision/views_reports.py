"""Reports (managers): every table of supervision.reports over a date range, with a chart
drawn on the server and a CSV export of each table. No view here opens a transaction: each
table is one statement in autocommit (docs/reports.md)."""

from decimal import Decimal

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from donorcall.lib.http import AuthedRequest
from donorcall.lib.spreadsheet import csv_lines
from donorcall.supervision.charts import bar_chart
from donorcall.supervision.forms_calls import ReportFilterForm
from donorcall.supervision.reports import CONTACT_REASONS, REPORTS, Column, Table, report

may_view = permission_required("callcenter.view_reports", raise_exception=True)


@may_view
def report_page(request: AuthedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET)
    chosen = form.chosen()
    tables = [shown(report(name, chosen)) for name in REPORTS]
    context = {"form": form, "chosen": chosen, "tables": tables, "query": request.GET.urlencode(),
               "contact_reasons": CONTACT_REASONS}  # fmt: skip
    return render(request, "supervision/reports.html", context)


@may_view
def report_csv(request: AuthedRequest, name: str) -> StreamingHttpResponse:
    if name not in REPORTS:
        raise Http404("No such report")
    table = report(name, ReportFilterForm(request.GET).chosen())
    header = [column.label for column in table.columns]
    rows = ([row.get(column.key) for column in table.columns] for row in table.rows)
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="donorcall-{name}.csv"'
    return response


def shown(table: Table) -> dict[str, object]:
    """The table as the page draws it: cells formatted by kind, and its chart."""
    cells = [[formatted(row.get(column.key), column) for column in table.columns]
             for row in table.rows]  # fmt: skip
    return {"table": table, "cells": cells, "chart": chart_of(table)}


def chart_of(table: Table) -> str:
    if not table.chart:
        return ""
    column = next(c for c in table.columns if c.key == table.chart)
    bars = [(bar_label(row), float(row.get(column.key) or 0),  # type: ignore[arg-type]
             formatted(row.get(column.key), column)) for row in table.rows]  # fmt: skip
    return bar_chart(f"{table.title}: {column.label}", bars)


def bar_label(row: dict[str, object]) -> str:
    label = str(row.get("label", ""))
    return f"{label} ({row['currency']})" if "currency" in row else label


def formatted(value: object, column: Column) -> str:
    if value is None:
        return "—"
    if column.kind == "rate":
        return f"{float(value) * 100:.1f}%"  # type: ignore[arg-type]
    if column.kind == "seconds":
        return duration(float(value))  # type: ignore[arg-type]
    if column.kind == "money":
        return f"{Decimal(value):,.2f}"  # type: ignore[arg-type]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
