"""Outbox pages, by topic. urls.py refers to them through this module."""

from .email_templates import template_create, template_edit, template_list, template_retire
from .emails import email_list, email_resend
from .in_call import in_call, in_call_preview, in_call_send
from .unsubscribe import unsubscribe, unsubscribe_one_click

__all__ = [
    "email_list",
    "email_resend",
    "in_call",
    "in_call_preview",
    "in_call_send",
    "template_create",
    "template_edit",
    "template_list",
    "template_retire",
    "unsubscribe",
    "unsubscribe_one_click",
]
