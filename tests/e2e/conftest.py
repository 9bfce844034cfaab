"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test here is marked ``e2e``; `make test-browser` runs them (``pytest -m e2e``). The
browser is the system's own (/usr/bin/chromium, or DONORCALL_CHROMIUM): nothing downloads a
browser. Without it the tests skip, except with CI=true, where they fail.

A failing test leaves a screenshot in test-results/. Set DONORCALL_E2E_SCREENSHOTS to a folder
to keep the screenshots that tests take on purpose (the ``screenshot`` fixture).
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from donorcall.campaigns.models import BreakReason, Campaign, CampaignStatus, SkipReason, Team
from donorcall.donors.models import Purpose
from donorcall.staff.models import JobRole
from tests.callcenter_world import NOON

CHROMIUM = os.environ.get("DONORCALL_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet: this machine's network is closed, and Chromium's own background
# connections would otherwise be refused by the dozen.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder e2e, so `-m "not e2e"` leaves them all out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    ORM calls from a thread with a running loop unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is
    set only while these tests run: set for the whole session, it would leak into the other
    tests' subprocesses (and `check --deploy` rightly rejects it)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser tab with its own cookies, the size of an agent's laptop screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if request.node.stash.get(CALL_FAILED, False):
        RESULTS.mkdir(exist_ok=True)
        page.screenshot(path=RESULTS / f"{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path | None]:
    """``screenshot("name")`` saves the page to $DONORCALL_E2E_SCREENSHOTS/name.png, if set."""

    def take(name: str) -> Path | None:
        folder = os.environ.get("DONORCALL_E2E_SCREENSHOTS")
        if not folder:
            return None
        path = Path(folder) / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


# --- The Call Center's floor ---------------------------------------------------------------------


@pytest.fixture
def noon_in_london() -> Iterator[time_machine.Traveller]:
    """The server's clock (ticking) for the Call Center's tests, so donors are inside calling
    hours whenever the suite runs. The browser keeps its own clock, which the screen never
    relies on."""
    with time_machine.travel(NOON, tick=True) as traveller:
        yield traveller


@pytest.fixture
def floor(agent, other_agent):
    """A job role, a team on one Preview campaign, the settings lists an agent picks from."""
    role = JobRole.objects.create(name="Agent")
    role.members.add(agent, other_agent)
    campaign = Campaign.objects.create(
        name="Failed payments",
        purpose=Purpose.objects.get(code="fundraising"),
        status=CampaignStatus.ACTIVE,
        script="Hello {first_name}, I am calling from the charity.",
    )
    team = Team.objects.create(name="Outbound")
    team.members.add(agent, other_agent)
    team.campaigns.add(campaign)
    SkipReason.objects.create(name="Known complaint")
    BreakReason.objects.create(name="Lunch")
    return campaign
