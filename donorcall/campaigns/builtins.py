"""The seeds' five ended reasons, with example dispositions. Written after every migrate (and
after a test database flush), so they are always there; they cannot be removed."""

from .models import Disposition, EndedReason

# The seeds' five ended reasons and their descriptions, with example dispositions.
ENDED_REASONS = [
    ("concluded", "Donor has been spoken to; not called again unless the campaign says so.",
     ["Donation made", "Declined", "Details updated"]),
    ("do_not_call", "Withdraws phone consent for the campaign's purpose and suppresses the number.",
     []),
    ("no_answer", "Called again after the campaign's retry delay.", []),
    ("not_available", "Called again after the campaign's retry delay.", []),
    ("wrong_number", "Removes the number from the donor; kept in the history.",
     ["Account not answering", "Ended"]),
]  # fmt: skip
SUCCESS = {"Donation made", "Details updated"}


def ensure_ended_reasons() -> None:
    for position, (code, description, dispositions) in enumerate(ENDED_REASONS):
        reason, created = EndedReason.objects.get_or_create(
            code=code, defaults={"description": description, "position": position}
        )
        if not created:
            continue  # its dispositions are the administrators' to rename or retire now
        for order, name in enumerate(dispositions):
            Disposition.objects.get_or_create(
                ended_reason=reason,
                name=name,
                defaults={"is_success": name in SUCCESS, "position": order},
            )
