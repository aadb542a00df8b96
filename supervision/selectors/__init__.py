"""Reads of supervision for pages, exports and the public page."""
