"""The audit log as a hash chain: each entry's `hash` is the SHA-256 of its
canonical content and of `prev_hash`, the hash of the entry before it in id
order. Changing, removing or inserting an entry afterwards breaks the chain at
that entry (`manage.py audit_verify` names it); rewriting the chain from there
on changes the head's hash, which the public page shows for readers to note.

One canonical form for every writer (`audit.py`, the national generator), the
migration that chained the entries written before, and the verifier."""

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64  # the prev_hash of the first entry
# An entry's own fields the hash covers. Not the actor's id: deleting an account
# empties it (SET_NULL), which is no tampering; the name written with it is kept.
FIELDS = (
    "at",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "request_id",
)
CHUNK = 2000


def _as_stored(value: Any) -> Any:
    """A JSON value as the database gives it back: keys made strings, tuples
    lists, and a whole float as the integer PostgreSQL's jsonb prints for it."""
    if isinstance(value, dict):
        return {str(key): _as_stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_stored(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))  # 1e+20 is read back as 100000000000000000000
    return value


def canonical(values: Mapping[str, Any], prev_hash: str) -> bytes:
    """Compact JSON, keys sorted, of an entry's own fields and the hash before it
    (`at` in UTC to the microsecond, as both databases store it)."""
    content = {name: values[name] for name in FIELDS}
    content["at"] = values["at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content["before"] = _as_stored(values["before"])
    content["after"] = _as_stored(values["after"])
    content["prev_hash"] = prev_hash
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode()


def entry_hash(values: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(values, prev_hash)).hexdigest()


def own_values(entry) -> dict[str, Any]:
    """The fields the hash covers, read from an entry (saved or not)."""
    return {name: getattr(entry, name) for name in FIELDS}


def chain_lock() -> AuditChainHead:
    """The head row, locked until the transaction ends: the next entry's id and
    prev_hash are taken by one writer at a time (on SQLite, IMMEDIATE
    transactions hold the database's write lock already). Made again if a
    database flush removed it."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS}
    )
    return head


def chain_append(entries: Sequence[AuditEntry], *, batch_size: int | None = None) -> None:
    """Insert unsaved entries at the end of the chain, in their order: under the
    head's lock, stamped with the time, each hashed with the one before, then
    the head moved once (three statements for one entry: the lock, the insert,
    the head's move)."""
    if not entries:
        return
    with transaction.atomic(savepoint=False):
        head = chain_lock()
        now, previous = timezone.now(), head.last_hash
        for entry in entries:
            entry.at = now
            entry.prev_hash = previous
            entry.hash = previous = entry_hash(own_values(entry), previous)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_id=entries[-1].pk, last_hash=previous, last_at=now, count=F("count") + len(entries)
        )


def in_id_order(queryset, *, after_id: int | None = None, chunk: int = CHUNK) -> Iterator[dict]:
    """Rows of `queryset.values(…)` in id order, `chunk` at a time by id (a fresh
    query per chunk: memory stays flat, and the table may be written meanwhile)."""
    last = after_id
    while True:
        page = queryset.order_by("id")
        if last is not None:
            page = page.filter(id__gt=last)
        rows = list(page[:chunk])
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1]["id"]


def chain_existing(entry_model, head_model, connection, *, chunk: int = CHUNK) -> int:
    """Chain every entry in id order from the first (the migration, for entries
    written before the chain; the models may be the migration's), and set the
    head. Updates `chunk` rows per statement; returns the count."""
    rows = in_id_order(entry_model.objects.values("id", *FIELDS), chunk=chunk)
    table = entry_model._meta.db_table
    previous, count, last, batch = GENESIS, 0, None, []
    for row in rows:
        digest = entry_hash(row, previous)
        batch.append((row["id"], previous, digest))
        previous, count, last = digest, count + 1, row
        if len(batch) == chunk:
            _write_hashes(connection, table, batch)
            batch = []
    _write_hashes(connection, table, batch)
    head_model.objects.update_or_create(
        pk=1,
        defaults={
            "last_id": last["id"] if last else None,
            "last_hash": previous,
            "last_at": last["at"] if last else None,
            "count": count,
        },
    )
    return count


def _write_hashes(connection, table: str, batch: list[tuple[int, str, str]]) -> None:
    if not batch:
        return
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement per chunk
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"UPDATE {name} SET prev_hash = v.column2, hash = v.column3 "
                f"FROM (VALUES {values}) AS v WHERE {name}.id = v.column1",
                [value for row in batch for value in row],
            )
        else:
            cursor.executemany(
                f"UPDATE {name} SET prev_hash = %s, hash = %s WHERE id = %s",
                [(prev, digest, pk) for pk, prev, digest in batch],
            )


@dataclass
class Verdict:
    """What `verify` found: how many entries matched and the last hash, or the
    first entry that does not match and why (`broken`, `reason`)."""

    count: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    broken: dict | None = None
    reason: str = ""
    missing: list[str] = field(default_factory=list)  # expected hashes not found

    @property
    def ok(self) -> bool:
        return not self.reason


def verify(
    *, since_id: int | None = None, expect: Sequence[str] = (), chunk: int = CHUNK
) -> Verdict:
    """Recompute the chain in id order (from `since_id`, trusting the stored hash
    of the entry before it) up to the first entry that no longer matches, then
    check the head row against the last entry. `expect`: hashes noted earlier
    (the head a reader copied) that must still be in the chain. Entries written
    while it runs are checked too (the head is read after the entries)."""
    verdict, wanted = Verdict(), {h.strip().lower() for h in expect}
    if since_id is not None:
        before = AuditEntry.objects.filter(id__lt=since_id).order_by("-id")
        before = before.values("id", "hash").first()
        if before:
            verdict.last_id, verdict.last_hash = before["id"], before["hash"]
    while True:
        read = _walk(verdict, wanted, chunk)
        if not verdict.ok:
            return verdict
        head = AuditChainHead.objects.filter(pk=1).first()
        # Past what was read: committed since (the head moves with its entries);
        # unless nothing more was there to read, which _check_head reports.
        if not read or head is None or (head.last_id or 0) <= (verdict.last_id or 0):
            break
    _check_head(verdict, head, whole=since_id is None)
    verdict.missing = sorted(wanted)
    if verdict.missing and verdict.ok:
        verdict.reason = (
            "the chain does not contain " + ", ".join(verdict.missing) + ": the history up to"
            " it was rewritten, or it was noted from another database"
        )
    return verdict


def _walk(verdict: Verdict, wanted: set[str], chunk: int) -> int:
    """Check the entries after the verdict's last, up to the first that does not
    match; how many were read."""
    rows = AuditEntry.objects.values("id", "prev_hash", "hash", *FIELDS)
    read = 0
    for row in in_id_order(rows, after_id=verdict.last_id, chunk=chunk):
        read += 1
        if row["prev_hash"] != verdict.last_hash:
            verdict.broken, verdict.reason = row, _unlinked(verdict.last_id)
            break
        if entry_hash(row, verdict.last_hash) != row["hash"]:
            verdict.broken = row
            verdict.reason = "its content no longer matches its hash: changed after it was written"
            break
        wanted.discard(row["hash"])
        verdict.count += 1
        verdict.last_id, verdict.last_hash = row["id"], row["hash"]
    return read


def _unlinked(before_id: int | None) -> str:
    if before_id is None:
        return "it is the first entry but does not start the chain: entries before it were removed"
    return (
        f"it does not follow entry #{before_id}: an entry between them was removed or"
        f" inserted, or #{before_id} was changed and hashed again"
    )


def _check_head(verdict: Verdict, head: AuditChainHead | None, *, whole: bool) -> None:
    """The head row must name the last entry (else entries at the end were
    removed, or written around the chain) and, checked whole, count them all."""
    if head is None:
        if verdict.last_id is not None:
            verdict.reason = "the chain's head row is missing"
        return
    if (head.last_id, head.last_hash) != (verdict.last_id, verdict.last_hash):
        verdict.reason = (
            f"the head names entry #{head.last_id} with hash {head.last_hash}, but the log"
            f" ends at #{verdict.last_id} with {verdict.last_hash}: entries at the end were"
            " removed, or the head was changed"
        )
    elif whole and head.count != verdict.count:
        verdict.reason = f"the head counts {head.count} entries, the chain has {verdict.count}"
