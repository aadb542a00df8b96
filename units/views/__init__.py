"""Pages, one module per page family; shared helpers in views/common.py."""
