"""The top menu (the seeds' navigation), shown section by section to roles that may use it.

A section appears once the capability behind it exists; later capabilities add theirs here
(Communications › Call Center, Campaigns, Teams, Live, Reports).
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from donorcall.staff.models import User


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    permission: str
    description: str
    group: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


SECTIONS = [
    Section("Call Center", "callcenter:console", "staff.use_call_center",
            "Sign in to your shift and call donors: Ready for Call, Take Break, Calls.",
            group="Communications"),
    Section("Appointments", "appointments:appointment-list", "appointments.view_appointment",
            "Call-backs booked with donors: find, move, reassign or cancel them; missed ones.",
            group="Communications"),
    Section("Outbox", "outbox:email-list", "outbox.view_outgoingemail",
            "Emails to donors: queued, sent, failed or suppressed, with errors and Resend.",
            group="Communications"),
    Section("Donors", "donors:donor-search", "donors.view_donor",
            "Find a donor by name, reference, email or phone number, or add a new one."),
    Section("Campaigns", "campaigns:campaign-list", "campaigns.view_campaign",
            "Who is called, why, when and how: dialling mode, calling hours, retries, script."),
    Section("Teams", "campaigns:team-list", "campaigns.view_team",
            "Groups of agents and the campaigns they work on."),
    Section("Live", "supervision:live", "supervision.view_live",
            "Every signed-in agent and campaign as it happens: status, calls, breaks, data left."),
    Section("Calls", "supervision:call-list", "callcenter.view_call",
            "Every call: find, read its story, correct an outcome, review the ones flagged."),
    Section("Reports", "supervision:reports", "callcenter.view_reports",
            "Calls by agent, team, campaign and day; contact and success rates; amounts raised."),
    Section("Settings", "staff:staff-list", "staff.manage_staff",
            "Staff, their roles, and the job roles they sign in with."),
]  # fmt: skip


def sections_for(user: User) -> list[Section]:
    if not user.is_authenticated:
        return []
    return [section for section in SECTIONS if user.has_perm(section.permission)]


def top_level(url: str) -> str:
    return "/" + url.strip("/").split("/")[0] + "/"


def navigation(request: HttpRequest) -> dict[str, object]:
    sections = sections_for(request.user)  # type: ignore[arg-type]
    # A section covers every page under its first path segment (Settings: all of /settings/).
    current = next((s for s in sections if request.path.startswith(top_level(s.url))), None)
    return {
        "nav_sections": sections,
        "nav_current": current,
        "organisation_name": settings.DONORCALL_ORGANISATION_NAME,
    }
