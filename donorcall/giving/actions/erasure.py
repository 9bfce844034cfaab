"""Giving's part of erasing a donor (donors/actions/erasure.py calls it)."""

from django.db import transaction

from donorcall.donors.models import Donor
from donorcall.giving.models import Donation, Payment, PaymentStatus, RegularGift, RegularGiftStatus
from donorcall.lib.clock import now

from .inputs import today


def anonymise_giving(donor: Donor) -> None:
    """Erasure (donors/actions/erasure.py): blank what could identify the person, keep what the
    law requires.

    Kept: amount, currency, dates, status, method, Gift Aid flag, campaign, fund and sponsored
    reference. HMRC can ask for Gift Aid records for six years, and these are the gift itself;
    campaign, fund and sponsored reference name the charity's appeals and projects, not the
    donor. The gateway reference is kept too: it is the charity's proof with the gateway that a
    card gift was paid, and holds no card data.

    Blanked: notes and failure reasons (free text about the person, e.g. why they could not
    pay), and the mandate reference: it identifies the donor's instruction at their bank, so it
    is bank data about the person, and no Gift Aid claim needs it (the claim rests on the
    amount, the date and the declaration).

    Live regular gifts are cancelled with their scheduled payments: nobody may collect from an
    erased donor, and without the mandate reference nothing could be collected anyway.
    """
    with transaction.atomic():
        gifts = RegularGift.objects.filter(donor=donor)
        payments = Payment.objects.filter(regular_gift__donor=donor)
        payments.filter(status=PaymentStatus.SCHEDULED).update(status=PaymentStatus.CANCELLED)
        payments.update(failure_reason="", updated_at=now())
        gifts.exclude(status=RegularGiftStatus.CANCELLED).update(
            status=RegularGiftStatus.CANCELLED, ended_on=today()
        )
        gifts.update(notes="", mandate_reference="")
        Donation.objects.filter(donor=donor).update(notes="")
