"""Outbox over JSON."""

from ninja import Router

router = Router(tags=["outbox"])
