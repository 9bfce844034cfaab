"""Checks that need the database, run on the whole staging table at once, inside the merge's
transaction: references (new ones made unique, repeats in the file, erased donors), names of
new donors, and numbers on the suppression ledger (a warning: the record is still right).

A bad row is reported and taken out of the staging table, so the merge never sees it.
"""

from collections.abc import Callable, Sequence

from django.db import connection

from .report import Report
from .rows import Plan, Problem, candidate_reference

# Whether a staged row (s), with the donor it updates (d) if any, is an organisation: what
# the file says, else what the donor is, else a name without a surname makes one.
IS_ORGANISATION = (
    "COALESCE(s.is_organisation, d.is_organisation,"
    " s.last_name IS NULL AND s.organisation_name IS NOT NULL)"
)

CLASHING_NEW_REFERENCES = """
    SELECT s.line FROM import_staging s WHERE s.generated AND (
        EXISTS (SELECT 1 FROM donors_donor d WHERE d.reference = s.reference)
        OR EXISTS (SELECT 1 FROM import_staging o WHERE o.ref_key = s.ref_key
                   AND o.line <> s.line AND (NOT o.generated OR o.line < s.line)))
"""
REPEATED_REFERENCES = """
    SELECT s.line, MIN(o.line) FROM import_staging s
    JOIN import_staging o ON o.ref_key = s.ref_key AND o.line < s.line
    WHERE NOT s.generated GROUP BY s.line
"""
# Exact first (the unique index), then whatever differs only in case.
MATCH_DONORS = (
    """UPDATE import_staging AS s SET donor_id = d.id FROM donors_donor AS d
       WHERE d.reference = s.reference AND NOT s.generated""",
    """UPDATE import_staging AS s SET donor_id = d.id FROM donors_donor AS d
       WHERE s.donor_id IS NULL AND NOT s.generated AND upper(d.reference) = s.ref_key""",
)
ERASED_DONORS = """
    SELECT s.line FROM import_staging s JOIN donors_donor d ON d.id = s.donor_id
    WHERE d.status = 'erased'
"""
NAMELESS_DONORS = f"""
    SELECT s.line, CASE WHEN {IS_ORGANISATION} THEN 1 ELSE 0 END,
           CASE WHEN s.donor_id IS NULL THEN 1 ELSE 0 END, CASE WHEN s.generated THEN 0 ELSE 1 END
    FROM import_staging s LEFT JOIN donors_donor d ON d.id = s.donor_id
    WHERE NOT (CASE WHEN {IS_ORGANISATION}
                    THEN COALESCE(s.organisation_name, d.organisation_name, '') <> ''
                    ELSE COALESCE(s.last_name, d.last_name, '') <> '' END)
"""  # noqa: S608 -- only the constant above is formatted in
SUPPRESSED = """
    SELECT s.line, 'phone' AS kind, MIN(x.reason) FROM import_staging s
        JOIN donors_suppression x
        ON x.kind = 'phone' AND x.value = s.phone AND x.lifted_at IS NULL GROUP BY s.line
    UNION ALL
    SELECT s.line, 'mobile', MIN(x.reason) FROM import_staging s JOIN donors_suppression x
        ON x.kind = 'phone' AND x.value = s.mobile AND x.lifted_at IS NULL GROUP BY s.line
    UNION ALL
    SELECT s.line, 'email', MIN(x.reason) FROM import_staging s JOIN donors_suppression x
        ON x.kind = 'email' AND x.value = s.email AND x.lifted_at IS NULL GROUP BY s.line
    ORDER BY 1, 2
"""
SUPPRESSED_NUMBERS = f"SELECT COUNT(*) FROM ({SUPPRESSED}) AS hits WHERE hits.kind <> 'email'"  # noqa: S608 -- a constant
# A row without a reference always adds a donor; one whose number or email a donor already
# has is probably that donor again (a file imported twice), so the report says so.
LIKELY_DUPLICATES = """
    SELECT s.line, 'phone' FROM import_staging s WHERE s.generated AND EXISTS (
        SELECT 1 FROM donors_phonenumber p WHERE p.number = s.phone AND p.removed_at IS NULL)
    UNION ALL
    SELECT s.line, 'email' FROM import_staging s WHERE s.generated AND EXISTS (
        SELECT 1 FROM donors_emailaddress e WHERE e.email = s.email AND e.removed_at IS NULL)
    ORDER BY 1, 2
"""
# Every check's query has the row's line as its first column, named "line".
DELETE = "DELETE FROM import_staging WHERE line IN (SELECT line FROM"
WHY_SUPPRESSED = {
    "tps": "TPS",
    "fps": "FPS",
    "do_not_call": "do not call",
    "erasure": "erasure",
    "manual": "added by hand",
}
ROUNDS = 20  # new references drawn again at most this often (1 in 100 clashes at 1M donors)

Describe = Callable[[Sequence], Problem]


def check_staged(plan: Plan, report: Report) -> None:
    settle_new_references()
    reject(plan, report, REPEATED_REFERENCES, repeated(plan))
    match_donors()
    reject(plan, report, ERASED_DONORS, erased(plan))
    reject(plan, report, NAMELESS_DONORS, nameless(plan))
    flag_suppressed(plan, report)
    flag_likely_duplicates(plan, report)


def settle_new_references() -> None:
    """Draw again the new references that another donor, or another row, already has."""
    with connection.cursor() as cursor:
        for _ in range(ROUNDS):
            cursor.execute(CLASHING_NEW_REFERENCES)
            lines = [line for (line,) in cursor.fetchall()]
            if not lines:
                return
            fresh = [
                (reference, reference, line)
                for line in lines
                for reference in [candidate_reference()]
            ]
            cursor.executemany(
                "UPDATE import_staging SET reference = %s, ref_key = %s WHERE line = %s", fresh
            )
    raise RuntimeError("could not find free references for the new donors")


def match_donors() -> None:
    with connection.cursor() as cursor:
        for statement in MATCH_DONORS:
            cursor.execute(statement)


def found(query: str, describe: Describe, room: int) -> tuple[list[Problem], int]:
    """The first ``room`` rows ``query`` finds, described, and how many it found in all."""
    listed: list[Problem] = []
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(query)
        while batch := cursor.fetchmany(1000):
            total += len(batch)
            listed += [describe(row) for row in batch[: max(0, room - len(listed))]]
    return listed, total


def reject(plan: Plan, report: Report, query: str, describe: Describe) -> None:
    """Report the rows ``query`` finds (line first) and take them out of the staging table."""
    listed, total = found(query, describe, report.room)
    if total:
        with connection.cursor() as cursor:
            cursor.execute(f"{DELETE} ({query}) AS bad)")
    report.reject_many(listed, total)


def repeated(plan: Plan) -> Describe:
    def describe(row: Sequence) -> Problem:
        return Problem(row[0], plan.header("reference"), f"the same reference is on line {row[1]}")

    return describe


def erased(plan: Plan) -> Describe:
    def describe(row: Sequence) -> Problem:
        reason = "this reference belongs to an erased donor, who cannot be imported again"
        return Problem(row[0], plan.header("reference"), reason)

    return describe


def nameless(plan: Plan) -> Describe:
    def describe(row: Sequence) -> Problem:
        line, organisation, new, has_reference = row
        key = "organisation_name" if organisation else "last_name"
        what = "an organisation needs its name" if organisation else "a person needs a last name"
        if not new:
            return Problem(line, plan.header(key), "the donor would be left without a name")
        if has_reference:
            return Problem(
                line, plan.header("reference"), f"no donor has this reference, and {what}"
            )
        return Problem(line, plan.header(key), what)

    return describe


def flag_suppressed(plan: Plan, report: Report) -> None:
    listed, total = found(SUPPRESSED, suppressed(plan), report.room)
    report.warn_many(listed, total)
    with connection.cursor() as cursor:
        cursor.execute(SUPPRESSED_NUMBERS)
        (report.suppressed_numbers,) = cursor.fetchone() or (0,)


def suppressed(plan: Plan) -> Describe:
    def describe(row: Sequence) -> Problem:
        line, key, reason = row
        what = "email address" if key == "email" else "number"
        text = f"{what} is on the suppression list ({WHY_SUPPRESSED.get(reason, reason)})"
        return Problem(line, plan.header(key), text, level="warning")

    return describe


def flag_likely_duplicates(plan: Plan, report: Report) -> None:
    listed, total = found(LIKELY_DUPLICATES, likely_duplicate(plan), report.room)
    report.warn_many(listed, total)


def likely_duplicate(plan: Plan) -> Describe:
    def describe(row: Sequence) -> Problem:
        line, key = row
        what = "number" if key == "phone" else "email address"
        reason = (
            f"another donor already has this {what}: give that donor's reference to update "
            "them rather than add a new donor"
        )
        return Problem(line, plan.header(key), reason, level="warning")

    return describe
