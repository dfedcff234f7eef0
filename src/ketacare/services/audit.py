"""Append to and verify the hash-chained audit trail, always inside the caller's transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.audit import GENESIS_HASH, BrokenLink, StoredEvent, event_hash, first_broken_link
from ketacare.core.enums import AuditAction
from ketacare.db.models import AuditChainHead, AuditEvent
from ketacare.services.context import Actor


def record(
    db: Session,
    actor: Actor,
    action: AuditAction,
    entity: str,
    entity_id: object = None,
    *,
    patient_id: int | None = None,
    site_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; the chain head row is locked so appends never fork the chain."""
    head = _locked_head(db)
    event = AuditEvent(
        at=actor.at,
        staff_user_id=actor.staff_user_id,
        action=action.value,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        patient_id=patient_id,
        site_id=site_id,
        ip_address=actor.ip_address,
        detail=json.dumps(dict(detail or {}), sort_keys=True, default=str),
        prev_hash=head.last_hash,
        hash="",
    )
    db.add(event)
    db.flush()
    event.hash = event_hash(event.prev_hash, hashed_fields(event))
    head.last_event_id, head.last_hash = event.id, event.hash
    db.flush()
    return event


def _locked_head(db: Session) -> AuditChainHead:
    head = db.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS_HASH)
        db.add(head)
        db.flush()
    return head


def hashed_fields(event: AuditEvent) -> dict[str, object]:
    """The columns the hash covers: everything but the hashes themselves."""
    return {
        "id": event.id,
        "at": event.at.isoformat(),
        "staff_user_id": event.staff_user_id,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "patient_id": event.patient_id,
        "site_id": event.site_id,
        "ip_address": event.ip_address,
        "detail": event.detail,
    }


def _stored_events(db: Session, batch: int = 5000) -> Iterator[StoredEvent]:
    last_id = 0
    while True:
        rows = db.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield StoredEvent(row.id, row.prev_hash, row.hash, hashed_fields(row))
        last_id = rows[-1].id
        db.expunge_all()


def event_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent)) or 0


def verify(
    db: Session, progress: Callable[[int, int], None] | None = None
) -> tuple[int, BrokenLink | None]:
    """Walk the whole chain; returns how many events were checked and the first broken link.

    ``progress(done, total)`` is called after each batch, for a progress bar.
    """
    total = event_count(db)
    count = 0

    def counted() -> Iterator[StoredEvent]:
        nonlocal count
        for event in _stored_events(db):
            count += 1
            if progress is not None and (count % 5000 == 0 or count == total):
                progress(count, total)
            yield event

    broken = first_broken_link(counted())
    if broken is None:
        head = db.get(AuditChainHead, 1)
        if head is not None and head.last_event_id and head.last_event_id > _last_id(db):
            broken = BrokenLink(head.last_event_id, "events at the end of the trail were deleted")
    return count, broken


def _last_id(db: Session) -> int:
    return db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
