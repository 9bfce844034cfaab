"""The merge: staged rows → donors, numbers, emails, addresses, consent, gifts and history,
as a handful of set-based statements (``INSERT … SELECT … ON CONFLICT``), never a query per
row. The runner calls ``merge`` inside one transaction, so a failure leaves nothing
half-written.

What an import may do to a donor it finds by reference: fill in the fields the file gives
(an empty cell changes nothing; a donor known to have died stays so, whatever an older list
says); add a number, email or address the donor does not have
(active) yet, primary only if the donor has no primary one; append a consent event only when
it differs from the donor's current consent; add a gift unless the same one (amount, date,
method) is there. It never removes anything. So importing the same file twice changes
nothing the second time.

The same SQL runs on PostgreSQL and SQLite (3.33+ for ``UPDATE … FROM``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from donorcall.campaigns.queue.eligibility import refresh_queue
from donorcall.donors.models import Address, Donor, PhoneNumber
from donorcall.lib.timezones import derive_zone_key

from .fields import ImportField
from .reader import ImportFileError

CHUNK = 5000  # donors per round trip when their time zones are refreshed
WORK_MEM = "64MB"

# Which staged rows (s) add something to a donor that already existed (d).
FLAG_EXISTING = """
    UPDATE import_staging AS s SET
      details_changed = (
           (s.title IS NOT NULL AND s.title <> d.title)
        OR (s.first_name IS NOT NULL AND s.first_name <> d.first_name)
        OR (s.last_name IS NOT NULL AND s.last_name <> d.last_name)
        OR (s.organisation_name IS NOT NULL AND s.organisation_name <> d.organisation_name)
        OR (s.is_organisation IS NOT NULL AND s.is_organisation <> d.is_organisation)
        OR (s.date_of_birth IS NOT NULL
            AND (d.date_of_birth IS NULL OR s.date_of_birth <> d.date_of_birth))
        OR (s.status IS NOT NULL AND s.status <> d.status AND d.status <> 'deceased')),
      add_phone = (s.phone IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM donors_phonenumber p
        WHERE p.donor_id = s.donor_id AND p.number = s.phone AND p.removed_at IS NULL)),
      add_mobile = (s.mobile IS NOT NULL AND s.mobile <> COALESCE(s.phone, '') AND NOT EXISTS (
        SELECT 1 FROM donors_phonenumber p
        WHERE p.donor_id = s.donor_id AND p.number = s.mobile AND p.removed_at IS NULL)),
      add_email = (s.email IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM donors_emailaddress e
        WHERE e.donor_id = s.donor_id AND e.email = s.email AND e.removed_at IS NULL)),
      add_address = (s.line1 IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM donors_address a
        WHERE a.donor_id = s.donor_id AND a.removed_at IS NULL AND a.country = s.country
          AND lower(a.line1) = lower(s.line1) AND a.postcode = COALESCE(s.postcode, ''))),
      add_gift = (s.gift_amount IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM giving_donation g
        WHERE g.donor_id = s.donor_id AND g.amount = s.gift_amount
          AND g.received_on = s.gift_date AND g.method = s.gift_method))
    FROM donors_donor AS d WHERE d.id = s.donor_id
"""
# One per consent column: only a change from the donor's current consent is an event.
FLAG_CONSENT = """
    UPDATE import_staging AS s SET add_consent_{n} = NOT EXISTS (
        SELECT 1 FROM donors_consentstate c WHERE c.donor_id = s.donor_id
        AND c.channel = %s AND c.purpose_id = %s AND c.status = s.consent_{n})
    WHERE s.donor_id IS NOT NULL AND s.consent_{n} IS NOT NULL
"""
UPDATE_DONORS = """
    UPDATE donors_donor AS d SET
      title = COALESCE(s.title, d.title), first_name = COALESCE(s.first_name, d.first_name),
      last_name = COALESCE(s.last_name, d.last_name),
      organisation_name = COALESCE(s.organisation_name, d.organisation_name),
      is_organisation = COALESCE(s.is_organisation, d.is_organisation),
      date_of_birth = COALESCE(s.date_of_birth, d.date_of_birth),
      status = CASE WHEN d.status = 'deceased' THEN d.status ELSE COALESCE(s.status, d.status)
        END,
      updated_at = %(at)s
    FROM import_staging AS s WHERE s.donor_id = d.id AND s.details_changed
"""
INSERT_DONORS = """
    INSERT INTO donors_donor (reference, title, first_name, last_name, is_organisation,
      organisation_name, status, date_of_birth, timezone, created_at, updated_at, created_by_id)
    SELECT s.reference, COALESCE(s.title, ''), COALESCE(s.first_name, ''),
      COALESCE(s.last_name, ''),
      COALESCE(s.is_organisation, s.last_name IS NULL AND s.organisation_name IS NOT NULL),
      COALESCE(s.organisation_name, ''), COALESCE(s.status, 'active'), s.date_of_birth,
      s.timezone, %(at)s, %(at)s, %(by)s
    FROM import_staging AS s WHERE s.donor_id IS NULL ORDER BY s.line
    ON CONFLICT (reference) DO NOTHING
"""
MATCH_NEW_DONORS = """
    UPDATE import_staging AS s SET donor_id = d.id, created = true
    FROM donors_donor AS d WHERE s.donor_id IS NULL AND d.reference = s.reference
"""
# PostgreSQL: the new donors' ids as the INSERT returns them, so a row whose reference another
# writer took meanwhile (ON CONFLICT skipped it) is never mistaken for a donor this import
# created. (SQLite has no writer but this transaction, and no INSERT inside WITH.)
CREATE_DONORS = f"""
    WITH new AS ({INSERT_DONORS} RETURNING id, reference)
    UPDATE import_staging AS s SET donor_id = new.id, created = true
    FROM new WHERE s.donor_id IS NULL AND s.reference = new.reference
"""  # noqa: S608 -- only the constant above is formatted in
LEFT_OUT = "SELECT COUNT(*) FROM import_staging WHERE donor_id IS NULL"
# A new number is primary when the donor has no primary one; for a donor created by this
# import that is the row's first number. ON CONFLICT: another writer got there first.
# Two statements per kind of detail. A donor this import created is invisible to every other
# transaction, so nothing can conflict with its details: a plain INSERT (ON CONFLICT costs a
# speculative insertion per row, ~15% more). For a donor that existed, a new detail is primary
# when the donor has no primary one, and ON CONFLICT covers another writer getting there first.
NEW_NUMBERS = """
    INSERT INTO donors_phonenumber (donor_id, number, kind, is_primary, created_at,
      removed_reason)
    SELECT s.donor_id, s.{column}, s.{column}_kind, {first}, %(at)s, ''
    FROM import_staging AS s WHERE s.created AND s.{column} IS NOT NULL {also}
"""
ADDED_NUMBERS = """
    INSERT INTO donors_phonenumber (donor_id, number, kind, is_primary, created_at,
      removed_reason)
    SELECT s.donor_id, s.{column}, s.{column}_kind, NOT EXISTS (
        SELECT 1 FROM donors_phonenumber p
        WHERE p.donor_id = s.donor_id AND p.is_primary AND p.removed_at IS NULL),
      %(at)s, ''
    FROM import_staging AS s WHERE NOT s.created AND s.add_{column}
    ON CONFLICT DO NOTHING
"""
NEW_EMAILS = """
    INSERT INTO donors_emailaddress (donor_id, email, is_primary, created_at, removed_reason)
    SELECT s.donor_id, s.email, true, %(at)s, ''
    FROM import_staging AS s WHERE s.created AND s.email IS NOT NULL
"""
ADDED_EMAILS = """
    INSERT INTO donors_emailaddress (donor_id, email, is_primary, created_at, removed_reason)
    SELECT s.donor_id, s.email, NOT EXISTS (
        SELECT 1 FROM donors_emailaddress e
        WHERE e.donor_id = s.donor_id AND e.is_primary AND e.removed_at IS NULL),
      %(at)s, ''
    FROM import_staging AS s WHERE NOT s.created AND s.add_email
    ON CONFLICT DO NOTHING
"""
ADDRESS_VALUES = """s.donor_id, s.line1, COALESCE(s.line2, ''), COALESCE(s.city, ''),
      COALESCE(s.region, ''), COALESCE(s.postcode, ''), s.country"""
NEW_ADDRESSES = f"""
    INSERT INTO donors_address (donor_id, line1, line2, city, region, postcode, country,
      is_primary, created_at, removed_reason)
    SELECT {ADDRESS_VALUES}, true, %(at)s, ''
    FROM import_staging AS s WHERE s.created AND s.line1 IS NOT NULL
"""  # noqa: S608 -- only the constant above is formatted in
ADDED_ADDRESSES = f"""
    INSERT INTO donors_address (donor_id, line1, line2, city, region, postcode, country,
      is_primary, created_at, removed_reason)
    SELECT {ADDRESS_VALUES}, NOT EXISTS (
        SELECT 1 FROM donors_address a
        WHERE a.donor_id = s.donor_id AND a.is_primary AND a.removed_at IS NULL),
      %(at)s, ''
    FROM import_staging AS s WHERE NOT s.created AND s.add_address
    ON CONFLICT DO NOTHING
"""  # noqa: S608 -- only the constant above is formatted in
INSERT_GIFTS = """
    INSERT INTO giving_donation (donor_id, amount, currency, received_on, campaign, fund,
      method, status, gift_aid, gateway_reference, notes, created_at, created_by_id)
    SELECT s.donor_id, s.gift_amount, s.gift_currency, s.gift_date, '', '', s.gift_method,
      'received', s.gift_aid, '', COALESCE(s.gift_notes, ''), %(at)s, %(by)s
    FROM import_staging AS s WHERE s.gift_amount IS NOT NULL AND (s.created OR s.add_gift)
"""
INSERT_CONSENT = """
    INSERT INTO donors_consentevent (donor_id, channel, purpose_id, status, source, wording,
      recorded_at, recorded_by_id)
    SELECT s.donor_id, %(channel)s, %(purpose)s, s.consent_{n}, 'import', %(wording)s,
      %(at)s, %(by)s
    FROM import_staging AS s
    WHERE s.consent_{n} IS NOT NULL AND (s.created OR s.add_consent_{n})
"""
# The current state follows the new events unless a later one is already there, as
# actions.consent.move_state does.
MOVE_CONSENT_STATE = """
    INSERT INTO donors_consentstate (donor_id, channel, purpose_id, status, since, event_id)
    SELECT e.donor_id, e.channel, e.purpose_id, e.status, e.recorded_at, e.id
    FROM donors_consentevent AS e
    WHERE e.id > %(after)s AND e.recorded_at = %(at)s AND e.wording = %(wording)s
    ON CONFLICT (donor_id, channel, purpose_id) DO UPDATE SET status = excluded.status,
      since = excluded.since, event_id = excluded.event_id
    WHERE donors_consentstate.since <= excluded.since
"""
INSERT_HISTORY = """
    INSERT INTO donors_donorevent (donor_id, kind, summary, at, actor_id)
    SELECT s.donor_id, CASE WHEN s.created THEN 'donor_created' ELSE 'donor_changed' END,
      CASE WHEN s.created THEN %(created)s ELSE %(updated)s END, %(at)s, %(by)s
    FROM import_staging AS s WHERE s.created OR {changed}
"""
COUNT = """
    SELECT COALESCE(SUM(CASE WHEN s.created THEN 1 ELSE 0 END), 0),
           COALESCE(SUM(CASE WHEN NOT s.created AND {changed} THEN 1 ELSE 0 END), 0),
           COUNT(*)
    FROM import_staging AS s
"""
# Existing donors already on a campaign queue: an import may have given them a number, a
# withdrawal or a new zone, and the dialler must see it in this same transaction.
QUEUED_DONORS = """
    SELECT DISTINCT s.donor_id FROM import_staging AS s
    JOIN campaigns_queueentry AS q ON q.donor_id = s.donor_id
    WHERE NOT s.created ORDER BY 1
"""

ZONES_TO_REFRESH = """
    SELECT s.donor_id FROM import_staging AS s
    WHERE NOT s.created AND (s.add_phone OR s.add_mobile OR s.add_address) ORDER BY 1
"""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class MergeContext:
    job_id: int
    by: int | None
    at: datetime
    consents: list[ImportField]

    def params(self, **more: Any) -> dict[str, Any]:
        at = connection.ops.adapt_datetimefield_value(self.at)
        wording = f"Import {self.job_id}"
        return {"at": at, "by": self.by, "wording": wording, **more}

    @property
    def changed(self) -> str:
        """SQL: the staged row changed a donor that already existed."""
        flags = [
            "details_changed",
            "add_phone",
            "add_mobile",
            "add_email",
            "add_address",
            "add_gift",
        ] + [f"add_consent_{n}" for n in range(len(self.consents))]
        return "(" + " OR ".join(f"s.{flag}" for flag in flags) + ")"


def execute(sql: str, params: dict[str, Any] | list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def merge(context: MergeContext) -> Counts:
    """Every statement of the merge, in order; the caller holds the transaction."""
    tune()
    existing = any_existing()
    if existing:
        flag_existing(context)
        execute(UPDATE_DONORS, context.params())
    create_donors(context)
    add_contact_details(context, existing=existing)
    execute(INSERT_GIFTS, context.params())
    add_consent(context)
    if existing:
        refresh_timezones(staged_ids(ZONES_TO_REFRESH))
        refresh_queue(staged_ids(QUEUED_DONORS))
    execute(INSERT_HISTORY.format(changed=context.changed), history_params(context))
    return count(context)


def create_donors(context: MergeContext) -> None:
    if connection.vendor != "postgresql":
        execute(INSERT_DONORS, context.params())
        execute(MATCH_NEW_DONORS)
        return
    execute(CREATE_DONORS, context.params())
    with connection.cursor() as cursor:
        cursor.execute(LEFT_OUT)
        (taken,) = cursor.fetchone()
    if taken:
        raise ImportFileError(
            f"{taken:,} of the file's new references were given to donors added by someone "
            "else while the import ran. Import the file again: those rows will update them."
        )


def tune() -> None:
    """PostgreSQL: memory for this transaction's joins and sorts over the whole file (the
    default 4 MB spills a 100k-row hash or sort to disk). ``SET LOCAL`` ends with the
    transaction; it is one session's, so it does not multiply with the dialler's."""
    if connection.vendor == "postgresql":
        execute(f"SET LOCAL work_mem = '{WORK_MEM}'")


def any_existing() -> bool:
    """Whether a staged row updates a donor who was there before the import (the checks have
    matched them): a file of new donors needs none of the statements about existing ones."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM import_staging WHERE donor_id IS NOT NULL)")
        (found,) = cursor.fetchone()
    return bool(found)


def flag_existing(context: MergeContext) -> None:
    execute(FLAG_EXISTING)
    for n, consent in enumerate(context.consents):
        execute(FLAG_CONSENT.format(n=n), [consent.channel, consent.purpose_id])


def add_contact_details(context: MergeContext, *, existing: bool) -> None:
    """The first number is primary; a mobile the same as the phone is one number."""
    params = context.params()
    execute(NEW_NUMBERS.format(column="phone", first="true", also=""), params)
    mobile = NEW_NUMBERS.format(
        column="mobile", first="s.phone IS NULL", also="AND s.mobile IS DISTINCT FROM s.phone"
    )
    execute(mobile, params)
    execute(NEW_EMAILS, params)
    execute(NEW_ADDRESSES, params)
    if existing:
        for statement in (
            ADDED_NUMBERS.format(column="phone"),
            ADDED_NUMBERS.format(column="mobile"),
            ADDED_EMAILS,
            ADDED_ADDRESSES,
        ):
            execute(statement, params)


def add_consent(context: MergeContext) -> None:
    if not context.consents:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM donors_consentevent")
        (after,) = cursor.fetchone()
    for n, consent in enumerate(context.consents):
        params = context.params(channel=consent.channel, purpose=consent.purpose_id)
        execute(INSERT_CONSENT.format(n=n), params)
    execute(MOVE_CONSENT_STATE, context.params(after=after))


def history_params(context: MergeContext) -> dict[str, Any]:
    return context.params(
        created=f"Donor created by import {context.job_id}",
        updated=f"Updated by import {context.job_id}",
    )


def count(context: MergeContext) -> Counts:
    with connection.cursor() as cursor:
        cursor.execute(COUNT.format(changed=context.changed))
        created, updated, total = cursor.fetchone()
    return Counts(created=created, updated=updated, unchanged=total - created - updated)


def staged_ids(query: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [donor_id for (donor_id,) in cursor.fetchall()]


def refresh_timezones(donor_ids: list[int]) -> None:
    """``actions.refresh_timezone`` for many donors, with three queries per thousands of
    donors: the same inputs (the primary-first active address, the active numbers primary
    first) and the same ``derive_zone_key``."""
    for start in range(0, len(donor_ids), CHUNK):
        ids = donor_ids[start : start + CHUNK]
        places, numbers = first_places(ids), active_numbers(ids)
        save_zones({i: derive_zone_key(places.get(i), numbers.get(i, [])) for i in ids})


def first_places(ids: list[int]) -> dict[int, tuple[str, str]]:
    places: dict[int, tuple[str, str]] = {}
    addresses = Address.objects.filter(donor_id__in=ids, removed_at=None)
    ordered = addresses.order_by("donor_id", "-is_primary", "id")
    for donor_id, country, region in ordered.values_list("donor_id", "country", "region"):
        places.setdefault(donor_id, (country, region))
    return places


def active_numbers(ids: list[int]) -> dict[int, list[str]]:
    numbers: dict[int, list[str]] = {}
    phones = PhoneNumber.objects.filter(donor_id__in=ids, removed_at=None)
    for donor_id, number in phones.order_by("donor_id", "-is_primary", "id").values_list(
        "donor_id", "number"
    ):
        numbers.setdefault(donor_id, []).append(number)
    return numbers


def save_zones(zones: dict[int, str | None]) -> None:
    current = dict(Donor.objects.filter(pk__in=list(zones)).values_list("pk", "timezone"))
    changed = [(zone, pk) for pk, zone in zones.items() if current.get(pk) != zone]
    if changed:
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE donors_donor SET timezone = %s WHERE id = %s", changed)
