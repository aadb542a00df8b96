"""Writes. Each service checks permission, locks, validates, writes, audits and
marks the figures to recompute, in one transaction."""
