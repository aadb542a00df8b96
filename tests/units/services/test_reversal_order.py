"""Who may reverse a decision is asked first: a clerk outside its scope got
"already reversed" (400) and so learnt its state before the 403."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import ServiceUnitFactory
from units.choices import RestructuringKind as K
from units.services.restructuring_rules import Decision
from units.services.restructurings import restructuring_apply, restructuring_reverse

pytestmark = pytest.mark.django_db


def test_an_outsider_is_refused_before_being_told_it_was_reversed(
    client, clerk, outsider_clerk, district
):
    day = dt.date(2021, 3, 1)
    ended = restructuring_apply(
        actor=clerk,
        kind=K.DISSOLVE,
        source_ids=[ServiceUnitFactory(area=district).pk],
        decision=Decision("3/QĐ-UBND", day, day, "UBND quận"),
    )
    restructuring_reverse(restructuring_id=ended.pk, actor=clerk, reason="Nhầm")
    with pytest.raises(PermissionDenied):
        restructuring_reverse(restructuring_id=ended.pk, actor=outsider_clerk, reason="Nhầm")
    with pytest.raises(ValidationError, match="đã được hủy bỏ"):
        restructuring_reverse(restructuring_id=ended.pk, actor=clerk, reason="Nhầm")
    client.force_login(outsider_clerk)
    response = client.post(
        f"/api/v1/restructurings/{ended.pk}/reverse/",
        {"reason": "Nhầm"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
