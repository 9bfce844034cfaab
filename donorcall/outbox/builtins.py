"""The emails donorcall sends by itself, written after every migrate if missing (like the
purposes and ended reasons). Administrators may reword them; they are found by ``code``."""

from donorcall.donors.models import Purpose

from .models import EmailTemplate

REGULAR_GIFT_CONFIRMATION = "regular_gift_confirmation"

TEMPLATES = [
    {
        "code": REGULAR_GIFT_CONFIRMATION,
        "name": "Regular gift confirmation",
        "purpose": "service",
        "subject": "Thank you, {first_name}: your regular gift is set up",
        "body": (
            "Dear {first_name},\n\n"
            "Thank you for speaking with {agent_first_name} today. As agreed, we have set up "
            "{regular_gift}.\n\n"
            "Your bank will write to confirm a new Direct Debit within three working days. You "
            "are protected by the Direct Debit Guarantee, and you can change or stop your gift "
            "at any time by replying to this email or calling us.\n\n"
            "With thanks,\nSupporter care"
        ),
    },
]


def ensure_templates() -> None:
    for spec in TEMPLATES:
        if EmailTemplate.objects.filter(code=spec["code"]).exists():
            continue
        purpose = Purpose.objects.filter(code=spec["purpose"]).first()
        if purpose is None:  # purposes are written first; a later migrate fills this in
            continue
        fields = {k: v for k, v in spec.items() if k not in ("code", "purpose", "name")}
        EmailTemplate.objects.get_or_create(
            name=spec["name"], defaults={"code": spec["code"], "purpose": purpose, **fields}
        )
