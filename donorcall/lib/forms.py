"""Glue between Django forms and actions: an action's InvalidInput lands on the field it names."""

from django import forms

from donorcall.lib.errors import DomainError


def attach_error(form: forms.Form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
