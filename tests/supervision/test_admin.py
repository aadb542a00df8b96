"""The admin: bodies and legal rules edited and audited; sessions read-only."""

from django.urls import reverse

from supervision.models import LegalRule
from units.models import AuditEntry


def test_a_bodys_members_changed_in_the_admin_are_audited(admin_client, body, clerk):
    url = reverse("admin:supervision_supervisorybody_change", args=[body.pk])
    response = admin_client.post(
        url,
        {
            "name": body.name,
            "kind": body.kind,
            "level": body.level,
            "area": body.area_id,
            "members": [m.pk for m in body.members.all()] + [clerk.pk],
        },
    )
    assert response.status_code == 302
    assert clerk in body.members.all()
    entry = AuditEntry.objects.get(action="supervisorybody.update.admin")
    assert clerk.pk in entry.after["members"] and clerk.pk not in entry.before["members"]


def test_a_legal_rule_corrected_in_the_admin_is_audited(admin_client):
    rule = LegalRule.objects.get(law="121/2025/QH15", step="response_due")
    url = reverse("admin:supervision_legalrule_change", args=[rule.pk])
    data = {
        "law": rule.law,
        "law_title": rule.law_title,
        "article": "",
        "valid_from": "01/03/2026",
        "valid_to": "",
        "step": rule.step,
        "body_kind": "",
        "days": "10",
        "note": "",
    }
    assert admin_client.post(url, data).status_code == 302
    rule.refresh_from_db()
    assert rule.days == 10
    entry = AuditEntry.objects.get(action="legalrule.update.admin")
    assert (entry.before["days"], entry.after["days"]) == (15, 10)


def test_sessions_cannot_be_added_or_changed_in_the_admin(admin_client, body, supervisor, unit):
    from .conftest import make_session

    session = make_session(body, supervisor, [unit])
    assert admin_client.get(reverse("admin:supervision_session_add")).status_code == 403
    change = admin_client.post(
        reverse("admin:supervision_session_change", args=[session.pk]), {"status": "closed"}
    )
    assert change.status_code == 403
    session.refresh_from_db()
    assert session.status == "planned"
