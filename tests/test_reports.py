"""Reports: every figure checked against one worked out by hand on a known data set, the
page, the CSV export, the JSON API, and who may see them.

The data set (23–24 Nov 2026; times to outcome in seconds):
  1 Alice  Failed payments  Outbound  23 Nov 10:00  300  Concluded → Donation made (success)
  2 Alice  Failed payments  Outbound  23 Nov 11:00  120  No answer
  3 Alice  Winter appeal    Outbound  24 Nov 09:00  600  Concluded → Declined
  4 Oscar  Failed payments  Outbound  24 Nov 12:00  240  Do not call
  5 Oscar  Winter appeal    no team   24 Nov 13:00   60  no outcome recorded (review)
  6 Oscar  Winter appeal    no team   24 Nov 14:00  180  Concluded → Donation made (success)
  7 Alice  Failed payments  Outbound  24 Nov 16:00  still going
  8 Alice  Failed payments  Outbound  20 Nov 10:00  300  Concluded → Donation made (out of range)
Gifts: call 1 GBP 25 donation + GBP 10 monthly; call 6 EUR 50 donation, a failed GBP 99
donation, GBP 5 quarterly; call 8 GBP 1000 (out of range).
Breaks: Alice 23 Nov 12:00 30 min, 24 Nov 15:00 10 min; Oscar 24 Nov 11:00 15 min, and
22 Nov 11:00 60 min (out of range).
"""

import csv
import io
from decimal import Decimal

import pytest

from donorcall.campaigns.models import Campaign, CampaignStatus
from donorcall.giving.models import DonationStatus, Frequency
from tests.reports_world import NO_OUTCOME, at, breaks_of, call, disposition, donation, regular_gift

RANGE = {"date_from": "2026-11-23", "date_to": "2026-11-24"}


@pytest.fixture
def world(agent, other_agent, campaign, team, reasons):
    appeal = Campaign.objects.create(
        name="Winter appeal", purpose=campaign.purpose, status=CampaignStatus.ACTIVE
    )
    made = disposition("concluded", "Donation made", success=True)
    declined = disposition("concluded", "Declined")
    c1 = call(
        agent, campaign, at(23, 10), seconds=300, reason="concluded", disposition=made, team=team
    )
    call(agent, campaign, at(23, 11), seconds=120, reason="no_answer", team=team)
    call(agent, appeal, at(24, 9), seconds=600, reason="concluded", disposition=declined, team=team)
    call(other_agent, campaign, at(24, 12), seconds=240, reason="do_not_call", team=team)
    call(other_agent, appeal, at(24, 13), seconds=60, review=NO_OUTCOME)
    c6 = call(other_agent, appeal, at(24, 14), seconds=180, reason="concluded", disposition=made)
    call(agent, campaign, at(24, 16), seconds=None, team=team)
    c8 = call(
        agent, campaign, at(20, 10), seconds=300, reason="concluded", disposition=made, team=team
    )
    donation(c1, "25.00")
    regular_gift(c1, "10.00", Frequency.MONTHLY)
    donation(c6, "50.00", "EUR")
    donation(c6, "99.00", status=DonationStatus.FAILED)
    regular_gift(c6, "5.00", Frequency.QUARTERLY)
    donation(c8, "1000.00")
    lunch = reasons[1]
    breaks_of(agent, lunch, (at(23, 12), 30), (at(24, 15), 10))
    breaks_of(other_agent, lunch, (at(24, 11), 15))
    breaks_of(other_agent, lunch, (at(22, 11), 60))
    return {"appeal": appeal}


def figures(client, name: str, **params) -> list[dict]:
    response = client.get(f"/api/v1/supervision/reports/{name}", {**RANGE, **params})
    assert response.status_code == 200, response.content
    return response.json()["rows"]


def by_label(rows: list[dict]) -> dict[str, dict]:
    return {row["label"]: row for row in rows}


def calls_figures(row: dict) -> tuple:
    keys = (
        "calls",
        "outcomes",
        "contacts",
        "contact_rate",
        "successes",
        "success_rate",
        "handle_seconds",
    )
    return tuple(row[key] for key in keys)


def test_summary_counts_rates_and_average_handle_time(world, manager_client):
    (row,) = figures(manager_client, "summary")
    # 7 calls in range; 5 with an outcome; contacts 1, 3, 4, 6; successes 1, 6;
    # handle (300 + 120 + 600 + 240 + 60 + 180) / 6 ended calls = 250 s.
    assert calls_figures(row) == (7, 5, 4, 0.8, 2, 0.5, 250.0)


def test_calls_by_agent(world, manager_client):
    rows = by_label(figures(manager_client, "calls-by-agent"))
    # Alice: calls 1, 2, 3, 7; contacts 1, 3 of 3 outcomes; handle (300 + 120 + 600) / 3.
    assert calls_figures(rows["Alice Agent"]) == (4, 3, 2, 0.6667, 1, 0.5, 340.0)
    # Oscar: calls 4, 5, 6; contacts 4, 6 of 2 outcomes; handle (240 + 60 + 180) / 3.
    assert calls_figures(rows["Oscar Other"]) == (3, 2, 2, 1.0, 1, 0.5, 160.0)


def test_calls_by_team(world, manager_client):
    rows = by_label(figures(manager_client, "calls-by-team"))
    # Outbound: 1, 2, 3, 4, 7; contacts 1, 3, 4; handle (300 + 120 + 600 + 240) / 4.
    assert calls_figures(rows["Outbound"]) == (5, 4, 3, 0.75, 1, 0.3333, 315.0)
    assert calls_figures(rows["No team"]) == (2, 1, 1, 1.0, 1, 1.0, 120.0)


def test_calls_by_campaign(world, manager_client):
    rows = by_label(figures(manager_client, "calls-by-campaign"))
    # Failed payments: 1, 2, 4, 7; handle (300 + 120 + 240) / 3.
    assert calls_figures(rows["Failed payments"]) == (4, 3, 2, 0.6667, 1, 0.5, 220.0)
    # Winter appeal: 3, 5, 6; handle (600 + 60 + 180) / 3.
    assert calls_figures(rows["Winter appeal"]) == (3, 2, 2, 1.0, 1, 0.5, 280.0)


def test_calls_by_day(world, manager_client):
    rows = figures(manager_client, "calls-by-day")
    assert [row["label"] for row in rows] == ["2026-11-23", "2026-11-24"]
    assert calls_figures(rows[0]) == (2, 2, 1, 0.5, 1, 1.0, 210.0)
    # 24 Nov: 3, 4, 5, 6, 7; handle (600 + 240 + 60 + 180) / 4.
    assert calls_figures(rows[1]) == (5, 3, 3, 1.0, 1, 0.3333, 270.0)


def test_success_by_disposition(world, manager_client):
    rows = figures(manager_client, "dispositions")
    found = {
        (r["ended_reason"], r["label"]): (r["calls"], r["share"], r["is_success"]) for r in rows
    }
    assert found == {
        ("Concluded", "Donation made"): (2, 0.4, True),
        ("Concluded", "Declined"): (1, 0.2, False),
        ("Do not call", "No disposition"): (1, 0.2, False),
        ("No answer", "No disposition"): (1, 0.2, False),
    }


def test_amounts_raised_by_campaign_and_currency(world, manager_client):
    rows = figures(manager_client, "amounts")
    found = {
        (r["label"], r["currency"]): (
            r["donations"],
            Decimal(r["donated"]),
            r["regular_gifts"],
            Decimal(r["regular_per_year"]),
        )
        for r in rows
    }
    assert found == {
        # GBP 25 donation; GBP 10 a month = 120 a year. Call 8's 1000 is out of range.
        ("Failed payments", "GBP"): (1, Decimal("25.00"), 1, Decimal("120.00")),
        ("Winter appeal", "EUR"): (1, Decimal("50.00"), 0, Decimal("0.00")),
        # The failed GBP 99 is not counted; GBP 5 a quarter = 20 a year.
        ("Winter appeal", "GBP"): (0, Decimal("0.00"), 1, Decimal("20.00")),
    }


def test_break_time_by_agent(world, manager_client):
    rows = by_label(figures(manager_client, "breaks"))
    alice, oscar = rows["Alice Agent"], rows["Oscar Other"]
    assert (alice["breaks"], alice["break_seconds"], alice["average_seconds"]) == (
        2,
        2400.0,
        1200.0,
    )
    assert (oscar["breaks"], oscar["break_seconds"], oscar["average_seconds"]) == (1, 900.0, 900.0)


def test_filters_narrow_every_figure(world, manager_client, other_agent):
    (row,) = figures(manager_client, "summary", agent=other_agent.pk)
    assert calls_figures(row) == (3, 2, 2, 1.0, 1, 0.5, 160.0)
    (row,) = figures(manager_client, "summary", campaign=world["appeal"].pk, date_from="2026-11-24")
    assert calls_figures(row) == (3, 2, 2, 1.0, 1, 0.5, 280.0)


def test_the_page_shows_each_table_with_a_local_chart(world, manager_client):
    response = manager_client.get("/reports/", RANGE)
    page = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Calls by agent",
        "Calls by team",
        "Calls by campaign",
        "Calls by day",
        "Success by disposition",
        "Amounts raised by campaign",
        "Break time by agent",
    ):
        assert title in page
    assert "<svg" in page and "cdn" not in page.lower()
    assert "80.0%" in page  # the contact rate, shown as a percentage
    assert "4:10" in page  # 250 s average handle time


def test_csv_export_of_a_table(world, manager_client):
    response = manager_client.get("/reports/calls-by-agent.csv", RANGE)
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Agent", "Calls", "With an outcome"]
    assert ["Alice Agent", "4", "3", "2", "0.6667", "1", "0.5", "340.0"] in rows


def test_csv_neutralises_a_formula(manager_client, agent, campaign):
    campaign.name = '=HYPERLINK("http://evil.example")'
    campaign.save()
    call(agent, campaign, at(24, 10), seconds=60, reason="no_answer")
    response = manager_client.get("/reports/calls-by-campaign.csv", RANGE)
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text


def test_reports_are_for_managers_and_admins(agent_client, admin_client, manager_client):
    assert agent_client.get("/reports/").status_code == 403
    assert agent_client.get("/reports/summary.csv").status_code == 403
    assert agent_client.get("/api/v1/supervision/reports/summary").status_code == 403
    assert admin_client.get("/reports/").status_code == 200
    assert manager_client.get("/reports/nothing.csv").status_code == 404
    assert manager_client.get("/api/v1/supervision/reports/nothing").status_code == 404


def test_navigation_shows_calls_and_reports_to_managers_only(manager_client, agent_client):
    page = manager_client.get("/").content.decode()
    assert 'href="/calls/"' in page and 'href="/reports/"' in page
    page = agent_client.get("/").content.decode()
    assert 'href="/calls/"' not in page and 'href="/reports/"' not in page


def test_an_empty_range_shows_empty_states(manager_client):
    page = manager_client.get("/reports/", RANGE).content.decode()
    assert "Nothing in this range." in page
