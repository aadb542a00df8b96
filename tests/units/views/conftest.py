"""Fixtures of the restructuring view tests."""

import pytest
from django.utils import translation

from tests.factories import ServiceUnitFactory


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def schools(district, agency):
    return [
        ServiceUnitFactory(name=f"Trường Tiểu học {n}", area=district, parent=agency)
        for n in ("Máy Chai", "Máy Tơ", "Vạn Mỹ")
    ]
