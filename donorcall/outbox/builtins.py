"""The emails donorcall sends by itself, written after every migrate if missing (like the
purposes and ended reasons). Administrators may reword them; they are found by ``code``."""

from donorcall.donors.models import Purpose

from .models import EmailTemplate

REGULAR_GIFT_CONFIRMATION = "regular_gift_confirmation"
PAYMENT_LINK = "payment_link"
# The values a built-in template may use beyond the donor's merge fields.
BUILTIN_FIELDS: dict[str, dict[str, str]] = {
    PAYMENT_LINK: {
        "payment_link_url": "The address of the page where the donor pays (the gateway's).",
        "amount_with_currency": "The gift, e.g. “GBP 25.00”.",
        "donation_reference": "The gift's reference, for the donor's records.",
    },
}

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
    {
        "code": PAYMENT_LINK,
        "name": "Payment link",
        "purpose": "service",
        "subject": "Your gift of {amount_with_currency}: pay securely online",
        "body": (
            "Dear {first_name},\n\n"
            "Thank you for your gift of {amount_with_currency}, agreed on the phone with "
            "{agent_first_name} today. You can pay it securely here:\n\n"
            "{payment_link_url}\n\n"
            "The page is our payment provider's: we never see or keep your card details. "
            "Your reference is {donation_reference}.\n\n"
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
