"""Writes of supervision: keyword-only, locked, validated, audited."""
