"""Glue between Django forms and actions: an action's InvalidInput lands on the field it names."""

from django import forms

from donorcall.lib.errors import DomainError


def attach_error(form: forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def form_status(form: forms.Form) -> int:
    """400 for a form sent back with errors, so scripts and tests can tell it from a success."""
    return 400 if form.is_bound and form.errors else 200
