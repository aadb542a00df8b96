"""The activity log of supervision (issue 21, point 10): publishing and
withdrawing say which they did, and are seen by the official and the clerk of
the scope who see the session's other steps."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from supervision.services.sessions import session_publish
from tests.factories import UserFactory
from units.choices import Role
from units.models import AuditEntry

PUBLISHED = _("Supervision session published")
WITHDRAWN = _("Supervision session withdrawn from the public page")


@pytest.fixture
def published_then_withdrawn(filed, supervisor):
    session_publish(actor=supervisor, session_id=filed.pk, publish=True)
    session_publish(actor=supervisor, session_id=filed.pk, publish=False)
    return filed


def test_publishing_and_withdrawing_say_which(client, admin_user, published_then_withdrawn):
    client.force_login(admin_user)
    page = client.get(reverse("units:activity")).content.decode()
    assert PUBLISHED in page and WITHDRAWN in page
    assert "published or withdrawn" not in page and "hoặc rút" not in page


def test_the_scope_sees_the_publishing_beside_the_sessions_other_steps(
    client, clerk, district, published_then_withdrawn
):
    official = UserFactory(roles=[Role.OFFICIAL], scope_area=district)
    for reader in (clerk, official):
        client.force_login(reader)
        page = client.get(reverse("units:activity")).content.decode()
        assert _("Supervision report saved") in page  # another step of the session
        assert PUBLISHED in page and WITHDRAWN in page


def test_an_entry_recorded_before_says_withdrawn_too(client, admin_user, filed):
    """Entries written before the two actions were told apart."""
    AuditEntry.objects.create(
        action="session.publish",
        object_type="supervision.session",
        object_id=str(filed.pk),
        object_repr=filed.decision_number,
        before={"published_at": "2024-03-02T00:00:00+07:00"},
        after={"published_at": None},
    )
    client.force_login(admin_user)
    assert WITHDRAWN in client.get(reverse("units:activity")).content.decode()
