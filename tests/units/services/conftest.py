"""Fixtures of the restructuring service tests."""

import pytest
from django.utils import translation

from tests.factories import ServiceUnitFactory


@pytest.fixture
def english():
    """Service messages are asserted in English here; the Vietnamese ones in the
    view tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def schools(district):
    return [ServiceUnitFactory(area=district, name=f"Trường {i}") for i in range(4)]
