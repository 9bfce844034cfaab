"""Supervision: the managers' live view, corrections to calls and appointments, and reports
(issue 7; DESIGN.md "supervision/")."""
