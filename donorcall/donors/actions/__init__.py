"""Every change to donors, by topic. Import from here: ``from donorcall.donors import actions``."""

from .consent import grant_consent, record_consent, save_purpose, withdraw_consent
from .details import (
    AddressDetails,
    ContactEntry,
    DonorDetails,
    add_address,
    add_email,
    add_phone_number,
    clean_email,
    create_donor,
    make_primary,
    refresh_timezone,
    remove_address,
    remove_contact_detail,
    remove_email,
    remove_phone_number,
    update_donor,
)
from .erasure import erase_donor
from .suppression import lift_suppression, suppress, suppress_numbers_from_file

__all__ = [
    "AddressDetails",
    "ContactEntry",
    "DonorDetails",
    "add_address",
    "add_email",
    "add_phone_number",
    "clean_email",
    "create_donor",
    "erase_donor",
    "grant_consent",
    "lift_suppression",
    "make_primary",
    "record_consent",
    "refresh_timezone",
    "remove_address",
    "remove_contact_detail",
    "remove_email",
    "remove_phone_number",
    "save_purpose",
    "suppress",
    "suppress_numbers_from_file",
    "update_donor",
    "withdraw_consent",
]
