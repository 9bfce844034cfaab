"""Supervision over JSON: the live snapshot and the reports."""

from ninja import Router

router = Router(tags=["supervision"])
