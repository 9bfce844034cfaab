"""A cleaning worker process's side of ``cleaning.Cleaning``'s pool.

A worker starts from a fresh interpreter and loads this module (to find ``start`` and
``clean``) before Django is set up, so nothing here imports models until ``start`` has run
``django.setup()``. The plan arrives as plain data for the same reason.
"""

from typing import Any

state: Any = None


def start(plan: dict[str, Any], as_csv: bool) -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from .cleaning import worker_state

    global state
    state = worker_state(plan, as_csv)


def clean(chunk: list[tuple[int, list[str]]]) -> Any:
    import resource

    from .cleaning import clean_chunk

    cleaner, as_csv = state
    cleaned = clean_chunk(cleaner, chunk, as_csv)
    cleaned.peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return cleaned
