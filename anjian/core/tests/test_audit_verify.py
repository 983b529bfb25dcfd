"""`anjian audit verify` accepts an untouched change log and names the first entry that was edited or
deleted behind the application's back (raw SQL, as an intruder with database access would)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from anjian.core.audit import ChainBroken, _digest, _hashed_fields, record, verify_chain
from anjian.core.models import AuditEntry, AuditHead


def verify():
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def broken_message():
    with pytest.raises(CommandError) as caught:
        verify()
    assert caught.value.returncode == 1
    return str(caught.value)


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param():
    # PostgreSQL stores the log's JSON as jsonb; a text parameter needs a cast there.
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def rehash(pk):
    """What an intruder who knows the algorithm would do: make the entry's own hash fit again."""
    entry = AuditEntry.objects.get(pk=pk)
    raw(
        "UPDATE core_auditentry SET hash = %s WHERE id = %s",
        [_digest(entry.prev_hash, _hashed_fields(entry)), pk],
    )


def ids():
    return list(AuditEntry.objects.order_by("id").values_list("id", flat=True))


def test_fresh_chain_verifies(world):
    count = AuditEntry.objects.count()
    assert count > 20  # the organisation, the personas and their subjects were all logged
    assert verify().strip() == f"OK: {count} entries"
    assert verify_chain() == count


def test_an_empty_log_verifies(db):
    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    assert verify().strip() == "OK: 0 entries"


def test_editing_an_entrys_after_is_detected_and_named(world):
    entry_ids = ids()
    target = entry_ids[len(entry_ids) // 2]
    tampered = {"name": "篡改后的名称"}
    raw(f"UPDATE core_auditentry SET after = {json_param()} WHERE id = %s", [json.dumps(tampered), target])
    message = broken_message()
    assert f"entry #{target}:" in message
    assert "edited" in message


def test_editing_other_fields_is_detected(world):
    target = ids()[3]
    raw("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone-else", target])
    assert f"entry #{target}:" in broken_message()


def test_rewriting_an_entry_with_a_fresh_hash_is_caught_at_the_next_entry(world):
    # An intruder who also recomputes the edited entry's own hash still breaks the link after it.
    entry_ids = ids()
    target, following = entry_ids[5], entry_ids[6]
    raw("UPDATE core_auditentry SET hash = %s WHERE id = %s", ["f" * 64, target])
    message = broken_message()
    assert f"entry #{target}:" in message  # its content no longer matches the stored hash
    rehash(target)
    assert verify_chain()  # restored
    raw(f"UPDATE core_auditentry SET after = {json_param()} WHERE id = %s", ['{"x": 1}', target])
    rehash(target)
    message = broken_message()
    assert f"entry #{following}:" in message


def test_deleting_a_middle_entry_is_detected_and_named(world):
    entry_ids = ids()
    position = len(entry_ids) // 2
    deleted, before, after = entry_ids[position], entry_ids[position - 1], entry_ids[position + 1]
    raw("DELETE FROM core_auditentry WHERE id = %s", [deleted])
    message = broken_message()
    # The break is named by the entries either side of the gap.
    assert f"entry #{after}:" in message
    assert f"after #{before}" in message
    assert "deleted" in message


def test_deleting_the_first_entry_is_detected(world):
    first, second = ids()[:2]
    raw("DELETE FROM core_auditentry WHERE id = %s", [first])
    assert f"entry #{second}:" in broken_message()


def test_deleting_the_last_entry_is_detected(world):
    last = ids()[-1]
    raw("DELETE FROM core_auditentry WHERE id = %s", [last])
    message = broken_message()
    assert f"entry #{last}" in message
    assert "deleted" in message


def test_deleting_the_tail_and_the_head_row_is_detected(world):
    AuditHead.objects.all().delete()
    assert "head is missing" in broken_message()


def test_a_bulk_entry_extends_the_chain(world):
    before = verify_chain()
    record("bulk", "hazards.hazard", object_repr="import", after={"hazards": 10})
    assert verify_chain() == before + 1


def test_verify_chain_raises_chain_broken(world):
    raw("DELETE FROM core_auditentry WHERE id = %s", [ids()[1]])
    with pytest.raises(ChainBroken):
        verify_chain()
