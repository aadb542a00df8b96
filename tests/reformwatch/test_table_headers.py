"""Every column of the portal's tables has a heading a screen reader can say
(axe-core: empty-table-header on /recommendations/, the session page and the
tokens page)."""

import re
from pathlib import Path

from django.conf import settings

EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>\s*</th>")


def test_no_template_has_an_empty_column_heading():
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    empty = [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if EMPTY_HEADER.search(path.read_text(encoding="utf-8"))
    ]
    assert empty == []
