"""Donor pages, by topic. urls.py refers to them through this module."""

from .consent import consent_record
from .erasure import donor_erase
from .export import donor_export
from .profile import (
    address_add,
    detail_make_primary,
    detail_remove,
    donor_create,
    donor_edit,
    donor_profile,
    donor_search,
    email_add,
    phone_add,
)
from .purposes import purpose_edit, purpose_list
from .suppression import screening_upload, suppression_add, suppression_lift, suppression_list
from .vulnerable import vulnerable_clear, vulnerable_list

__all__ = [
    "address_add",
    "consent_record",
    "detail_make_primary",
    "detail_remove",
    "donor_create",
    "donor_edit",
    "donor_erase",
    "donor_export",
    "donor_profile",
    "donor_search",
    "email_add",
    "phone_add",
    "purpose_edit",
    "purpose_list",
    "screening_upload",
    "suppression_add",
    "suppression_lift",
    "suppression_list",
    "vulnerable_clear",
    "vulnerable_list",
]
