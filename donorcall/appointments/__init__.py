"""Appointments: call-backs booked with a donor, served first when due (DESIGN.md)."""
