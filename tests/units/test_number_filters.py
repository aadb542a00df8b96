"""The dashboard's fast number filters read the language's separators."""

from decimal import Decimal

import pytest
from django.utils import translation

from units.templatetags.units_tags import count, percent


@pytest.mark.parametrize(
    ("language", "units", "share"), [("vi", "48.442", "14,29 %"), ("en", "48,442", "14.29 %")]
)
def test_counts_and_percentages_in_each_language(language, units, share):
    with translation.override(language):
        assert count(48442) == units
        assert count(36) == "36"
        assert percent(Decimal("14.29")) == share
        assert percent(None) == "—"
