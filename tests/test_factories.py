"""The factories' generated area codes never meet an official one that a test
names: a transfer test creating "Thành phố Hà Nội" (01) failed on a unique
constraint when its xdist worker's sequence had just made a province "01"."""

import pytest

from tests.factories import AreaFactory, CommuneFactory, DistrictFactory

pytestmark = pytest.mark.django_db


def test_generated_codes_never_meet_an_official_one():
    AreaFactory.reset_sequence(1)  # shared by the district and commune factories
    commune = CommuneFactory()
    district, province = commune.parent, commune.parent.parent
    for n in range(6):
        AreaFactory(code=f"{n:02d}")
        DistrictFactory(code=f"{n:03d}", parent=province)
        CommuneFactory(code=f"{n:05d}", parent=district)
