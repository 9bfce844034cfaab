"""The outbox: email templates, outgoing emails, and the worker's sender (DESIGN.md)."""
