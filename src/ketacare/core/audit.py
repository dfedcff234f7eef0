"""The audit trail's hash chain: each event's hash covers its fields and the previous hash.

Altering, deleting or reordering any stored event changes a hash that a later event depends on,
so ``first_broken_link`` finds the first event that no longer verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def event_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    """SHA-256 over the previous hash and the event's fields in canonical JSON."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class StoredEvent:
    """An audit event as read back: its id, the hashes it stored, and the hashed fields."""

    event_id: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


def first_broken_link(events: Iterable[StoredEvent]) -> BrokenLink | None:
    """The first event (in id order) whose link or hash fails, or None when the chain holds."""
    expected_prev = GENESIS_HASH
    for event in events:
        if event.prev_hash != expected_prev:
            return BrokenLink(event.event_id, "previous-hash link does not match the event before")
        if event_hash(event.prev_hash, event.fields) != event.hash:
            return BrokenLink(event.event_id, "stored fields do not match the stored hash")
        expected_prev = event.hash
    return None
