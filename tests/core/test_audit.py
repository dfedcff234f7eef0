"""The audit hash chain: an intact chain verifies; altering any field, deleting an event or
reordering events is found, and the first broken link names the right event."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.audit import GENESIS_HASH, StoredEvent, event_hash, first_broken_link

LINK_BROKEN = "previous-hash link does not match the event before"
FIELDS_CHANGED = "stored fields do not match the stored hash"

field_values = st.one_of(st.none(), st.integers(), st.text(max_size=20), st.booleans())
event_fields = st.dictionaries(st.text(min_size=1, max_size=10), field_values, max_size=6)


def chain(field_list: list[dict[str, object]]) -> list[StoredEvent]:
    """Events with ids 1..n, each hashed onto the one before, as ``services.audit`` stores them."""
    events, prev = [], GENESIS_HASH
    for event_id, fields in enumerate(field_list, start=1):
        full = {**fields, "id": event_id}
        digest = event_hash(prev, full)
        events.append(StoredEvent(event_id, prev, digest, full))
        prev = digest
    return events


def sample_chain(n: int = 4) -> list[StoredEvent]:
    return chain([{"action": "view", "entity": "patient", "entity_id": str(i)} for i in range(n)])


def test_an_empty_chain_verifies():
    assert first_broken_link([]) is None


def test_an_untouched_chain_verifies():
    assert first_broken_link(sample_chain()) is None


def test_the_hash_does_not_depend_on_field_order():
    assert event_hash(GENESIS_HASH, {"a": 1, "b": 2}) == event_hash(GENESIS_HASH, {"b": 2, "a": 1})


def test_the_hash_depends_on_the_previous_hash():
    assert event_hash(GENESIS_HASH, {"a": 1}) != event_hash("1" * 64, {"a": 1})


def test_a_first_event_not_linked_to_genesis_is_broken():
    first = sample_chain(1)[0]
    moved = StoredEvent(1, "f" * 64, event_hash("f" * 64, first.fields), first.fields)
    broken = first_broken_link([moved])
    assert broken is not None
    assert (broken.event_id, broken.reason) == (1, LINK_BROKEN)


@pytest.mark.parametrize("position", [0, 1, 2, 3])
def test_a_changed_detail_is_found_at_that_event(position: int):
    events = sample_chain()
    target = events[position]
    events[position] = replace(target, fields={**target.fields, "entity_id": "999"})
    broken = first_broken_link(events)
    assert broken is not None
    assert (broken.event_id, broken.reason) == (target.event_id, FIELDS_CHANGED)


def test_an_event_rehashed_after_a_change_breaks_the_next_link():
    events = sample_chain()
    changed = {**events[1].fields, "entity_id": "999"}
    events[1] = replace(events[1], fields=changed, hash=event_hash(events[1].prev_hash, changed))
    broken = first_broken_link(events)
    assert broken is not None
    assert (broken.event_id, broken.reason) == (3, LINK_BROKEN)


@given(
    field_list=st.lists(event_fields, min_size=1, max_size=8),
    data=st.data(),
)
def test_altering_any_field_of_any_event_is_found_at_that_event(
    field_list: list[dict[str, object]], data: st.DataObject
):
    events = chain(field_list)
    position = data.draw(st.integers(min_value=0, max_value=len(events) - 1), label="position")
    target = events[position]
    key = data.draw(st.sampled_from(sorted(target.fields)), label="field")
    new_value = data.draw(field_values.filter(lambda v: v != target.fields[key]), label="value")
    events[position] = replace(target, fields={**target.fields, key: new_value})
    broken = first_broken_link(events)
    assert broken is not None
    assert (broken.event_id, broken.reason) == (target.event_id, FIELDS_CHANGED)


@given(field_list=st.lists(event_fields, min_size=1, max_size=8), data=st.data())
def test_altering_a_stored_hash_is_found_at_that_event(
    field_list: list[dict[str, object]], data: st.DataObject
):
    events = chain(field_list)
    position = data.draw(st.integers(min_value=0, max_value=len(events) - 1), label="position")
    target = events[position]
    events[position] = replace(target, hash="e" * 64 if target.hash != "e" * 64 else "d" * 64)
    broken = first_broken_link(events)
    assert broken is not None
    assert broken.event_id == target.event_id


@given(field_list=st.lists(event_fields, min_size=2, max_size=8), data=st.data())
def test_deleting_any_event_but_the_last_is_found_at_the_event_after_it(
    field_list: list[dict[str, object]], data: st.DataObject
):
    events = chain(field_list)
    position = data.draw(st.integers(min_value=0, max_value=len(events) - 2), label="position")
    follower = events[position + 1]
    del events[position]
    broken = first_broken_link(events)
    assert broken is not None
    assert (broken.event_id, broken.reason) == (follower.event_id, LINK_BROKEN)


@given(field_list=st.lists(event_fields, min_size=2, max_size=8), data=st.data())
def test_swapping_any_two_events_is_found_where_the_order_first_changes(
    field_list: list[dict[str, object]], data: st.DataObject
):
    events = chain(field_list)
    first = data.draw(st.integers(min_value=0, max_value=len(events) - 2), label="first")
    second = data.draw(st.integers(min_value=first + 1, max_value=len(events) - 1), label="second")
    events[first], events[second] = events[second], events[first]
    broken = first_broken_link(events)
    assert broken is not None
    assert (broken.event_id, broken.reason) == (events[first].event_id, LINK_BROKEN)
