"""The audit log's hash chain (issue 22, point 7): every writer appends to the
chain, `manage.py audit_verify` names the first entry that no longer matches
(changed, removed, re-hashed), the migration chains entries written before,
and the head's hash is shown on the public page and, with more, to admins."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from units import audit_chain
from units.audit import audit_bulk, audit_rows, audit_save_all
from units.audit_chain import GENESIS, chain_existing, entry_hash, own_values
from units.choices import Role
from units.models import AuditChainHead, AuditEntry, AuditLink
from units.services.units import unit_update

pytestmark = pytest.mark.django_db

TABLE = connection.ops.quote_name(AuditEntry._meta.db_table)


def audit_verify(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def write(n: int, actor=None) -> list[AuditEntry]:
    """`n` entries through the log's own writer, each about something else."""
    return [
        audit_bulk(
            actor=actor,
            action="areas.load",
            object_type="units.area",
            label=f"load {i}",
            after={"created": i},
        )
        for i in range(n)
    ]


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=TABLE), params)


@pytest.fixture
def entries(unit, clerk):
    """Two edits through the unit service and three bulk entries, in that order."""
    unit_update(unit_id=unit.pk, actor=clerk, data={"code": "MC1"})
    unit_update(unit_id=unit.pk, actor=clerk, data={"code": "MC2"})
    write(3)
    return list(AuditEntry.objects.order_by("id"))


def test_it_chains_every_entry_to_the_one_before(unit, clerk):
    start = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    unit_update(unit_id=unit.pk, actor=clerk, data={"code": "MC1"})
    write(2)
    entries = list(AuditEntry.objects.order_by("id"))
    assert entries[0].prev_hash == (start or GENESIS)
    for before, entry in zip([None, *entries], entries, strict=False):
        if before:
            assert entry.prev_hash == before.hash
        # Recomputed from the row as read back: the time and the JSON round trip.
        assert entry.hash == entry_hash(own_values(entry), entry.prev_hash)
        assert len(entry.hash) == 64 and entry.hash != entry.prev_hash
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (entries[-1].id, entries[-1].hash)
    assert head.count == len(entries) == 3
    assert head.last_at == entries[-1].at


def test_a_bulk_write_chains_its_batch_in_order(unit, clerk):
    """The national generator's way: many entries, one lock, inserts in batches."""
    built = [
        audit_rows(
            unit, actor=clerk, action="unit.update", before=None, after={"i": i}, units=[unit]
        )
        for i in range(7)
    ]
    audit_save_all(built, batch_size=3)
    saved = list(AuditEntry.objects.order_by("id"))[-7:]
    assert [e.after["i"] for e in saved] == list(range(7))
    assert [e.pk for e in saved] == [entry.pk for entry, _links in built]
    assert AuditLink.objects.filter(entry__in=saved, unit=unit).count() == 7
    assert AuditChainHead.objects.get().last_hash == saved[-1].hash
    audit_verify()


def test_audit_verify_passes_and_prints_the_count_and_head(entries):
    text = audit_verify()
    assert f"{AuditEntry.objects.count()} entries match (last #{entries[-1].id})" in text
    assert entries[-1].hash in text


def test_an_entry_changed_with_raw_sql_is_named(entries):
    changed = entries[2]
    audit_verify()
    raw('UPDATE {table} SET "after" = %s WHERE id = %s', json.dumps({"created": 99}), changed.id)
    with pytest.raises(CommandError) as error:
        audit_verify()
    message = str(error.value)
    assert message.startswith(f"Entry #{changed.id} (")
    assert "areas.load" in message and '"load 0"' in message
    assert "changed after it was written" in message


def test_a_deleted_entry_is_found_by_the_one_after_it(entries):
    links = connection.ops.quote_name(AuditLink._meta.db_table)
    raw(f"DELETE FROM {links} WHERE entry_id = %s", entries[1].id)
    raw("DELETE FROM {table} WHERE id = %s", entries[1].id)
    with pytest.raises(CommandError) as error:
        audit_verify()
    assert str(error.value).startswith(f"Entry #{entries[2].id} (")
    assert f"does not follow entry #{entries[0].id}" in str(error.value)


def test_removing_the_last_entries_is_found_by_the_head(entries):
    raw("DELETE FROM {table} WHERE id >= %s", entries[-2].id)
    with pytest.raises(CommandError, match=f"the head names entry #{entries[-1].id}"):
        audit_verify()


def test_an_entry_written_around_the_chain_is_named(entries):
    stray = AuditEntry.objects.create(action="unit.update", object_type="units.unit", object_id="1")
    with pytest.raises(CommandError, match=f"^Entry #{stray.id} "):
        audit_verify()


def test_a_rewritten_history_is_found_by_a_head_noted_before(entries):
    """GIVEN a reader noted the head, WHEN someone changes an entry and hashes it
    again with every entry after it and the head, THEN the chain verifies but the
    noted hash is no longer in it."""
    noted = AuditChainHead.objects.get().last_hash
    assert entries[-1].hash in audit_verify("--expect", noted)
    target = entries[1]
    raw('UPDATE {table} SET "after" = %s WHERE id = %s', json.dumps({"code": "XX"}), target.id)
    with pytest.raises(CommandError, match=f"^Entry #{target.id} "):
        audit_verify()
    chain_existing(AuditEntry, AuditChainHead, connection)  # a forger hashes it all again
    audit_verify()
    with pytest.raises(CommandError, match=f"the chain does not contain {noted}"):
        audit_verify("--expect", noted)


def test_entries_written_during_a_check_are_checked_too(entries, monkeypatch):
    """An entry committed after the last page was read but before the head was:
    read and checked, not taken for entries written around the chain."""
    walk, reads = audit_chain._walk, []

    def walk_then_write(verdict, wanted, chunk):
        reads.append(walk(verdict, wanted, chunk))
        if len(reads) == 1:
            write(1)
        return reads[-1]

    monkeypatch.setattr(audit_chain, "_walk", walk_then_write)
    verdict = audit_chain.verify()
    assert verdict.ok, verdict.reason
    assert reads == [len(entries), 1] and verdict.count == len(entries) + 1


def test_since_id_checks_from_that_entry_on(entries):
    raw('UPDATE {table} SET "after" = %s WHERE id = %s', "{}", entries[0].id)
    assert "3 entries match" in audit_verify("--since-id", str(entries[2].id))
    with pytest.raises(CommandError, match=f"^Entry #{entries[0].id} "):
        audit_verify("--since-id", str(entries[0].id))


def test_a_deleted_account_leaves_its_entries_matching(entries, clerk):
    """Deleting an account empties its entries' actor (SET_NULL): no tampering."""
    clerk.delete()
    assert AuditEntry.objects.filter(actor=None, actor_name="clerk").count() == 2
    audit_verify()


def test_json_is_hashed_as_the_database_gives_it_back(db):
    """Floats that jsonb prints as integers, integer keys, tuples, accents."""
    audit_bulk(
        actor=None,
        action="figures.recompute_all",
        object_type="units.area",
        label="Tỉnh Đắk Lắk",
        after={"big": 1e20, "whole": 100.0, "part": 0.1, "tiny": 1e-7, 3: (1, "ố"), "n": None},
    )
    entry = AuditEntry.objects.order_by("id").last()
    assert entry.after["3"] == [1, "ố"]
    assert entry.hash == entry_hash(own_values(entry), entry.prev_hash)
    audit_verify()


def test_the_migration_chains_entries_written_before(db):
    """Entries as they were before the chain (no hashes) are chained in id order
    by the migration's function, chunk by chunk, and the head set."""
    AuditEntry.objects.all().delete()
    for i in range(5):
        AuditEntry.objects.create(action="unit.update", object_type="units.unit", object_id=str(i))
    AuditChainHead.objects.all().delete()
    with pytest.raises(CommandError):
        audit_verify()
    assert chain_existing(AuditEntry, AuditChainHead, connection, chunk=2) == 5
    rows = list(AuditEntry.objects.order_by("id"))
    assert rows[0].prev_hash == GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash, head.count) == (rows[-1].id, rows[-1].hash, 5)
    assert "5 entries match" in audit_verify()
    write(1)  # and the writers go on from there
    assert "6 entries match" in audit_verify()


def test_an_empty_log_verifies(db):
    AuditEntry.objects.all().delete()
    chain_existing(AuditEntry, AuditChainHead, connection)
    assert f"0 entries match (last #None); head {GENESIS}" in audit_verify()


def test_one_audited_write_costs_two_more_statements(unit, clerk):
    """The lock on the head and its move; the entry is one insert."""
    with CaptureQueriesContext(connection) as captured:
        write(1)
    sql = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 3, sql


def test_the_public_page_shows_the_head_hash(client, entries):
    head = AuditChainHead.objects.get()
    page = client.get(reverse("landing")).content.decode()  # Vietnamese, the default
    assert f"<code>{head.last_hash}</code>" in page
    assert f"Nhật ký thay đổi: {head.count} mục" in page
    assert timezone.localtime(head.last_at).strftime("%d/%m/%Y") in page
    # Not the entries' ids nor the tooling: the hash is what a reader notes.
    assert f"#{head.last_id}" not in page and "audit_verify" not in page


def test_admins_see_the_head_on_the_activity_page(client, entries, admin_user, clerk):
    head = AuditChainHead.objects.get()
    client.force_login(admin_user)
    page = client.get(reverse("units:activity")).content.decode()
    assert f"<code>{head.last_hash}</code>" in page
    assert f"Mục cuối #{head.last_id}" in page and "audit_verify --expect" in page
    client.force_login(clerk)
    page = client.get(reverse("units:activity")).content.decode()
    assert head.last_hash not in page


def test_the_head_costs_the_public_page_one_query(client, entries):
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("landing"))
    table = AuditChainHead._meta.db_table
    assert len([q for q in captured if table in q["sql"]]) == 1


def test_no_line_before_any_entry(client, db):
    AuditEntry.objects.all().delete()
    chain_existing(AuditEntry, AuditChainHead, connection)
    assert 'id="audit-head"' not in client.get(reverse("landing")).content.decode()


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.SUPERVISOR])
def test_readers_see_no_head_on_the_activity_page(client, entries, role):
    client.force_login(UserFactory(roles=[role]))
    page = client.get(reverse("units:activity")).content.decode()
    assert 'id="audit-head"' not in page
