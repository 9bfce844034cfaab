"""Supervision over JSON: the live snapshot and the reports."""

from ninja import Router

router = Router(tags=["supervision"])

# Calls and reports (issue 7, parts 3 and 4): their own module, one line here.
from donorcall.supervision.api_calls import router as calls_router  # noqa: E402

router.add_router("", calls_router)
