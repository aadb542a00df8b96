"""Supervision sessions, findings and recommendations (a later issue)."""
