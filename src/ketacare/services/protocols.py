"""The clinic's protocols: the shipped ones stored as version 1, every change a new version.

A stored version never changes: the newest version of a code is current, and a course keeps the
version it was ordered under. Only prescribers change a protocol (MANAGE_PROTOCOLS), always with a
change note, and every version stored is audited with what changed. Reading protocols is not
audited: they hold no patient data. A copy keeps, as ``based_on_code``, the shipped protocol at
the root of its copy chain, which screening and consent are keyed by (``screening_code``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from ketacare.core.instruments.registry import INSTRUMENTS
from ketacare.core.permissions import Action
from ketacare.core.protocols.adjust import NAME_LENGTH, adjust, changed_values
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import Protocol
from ketacare.core.protocols.stored import from_document, to_document
from ketacare.db.models import ProtocolVersion
from ketacare.services import audit
from ketacare.services.context import Actor

SHIPPED_NOTE = "Shipped with ketacare: each value with its source, or marked for the clinic to set."
CODE = re.compile(r"[a-z][a-z0-9_]{2,59}")
ENTITY = "protocol_version"


def ensure_default_protocols(db: Session, actor: Actor, organization_id: int) -> int:
    """Store version 1 of every shipped protocol the organization lacks; returns how many.

    Safe to repeat and to race: a protocol stored meanwhile by another request is skipped."""
    actor.require(Action.READ_PROTOCOLS)
    _check_organization(actor, organization_id)
    present = set(
        db.scalars(
            select(ProtocolVersion.code).where(ProtocolVersion.organization_id == organization_id)
        )
    )
    made = 0
    for code, protocol in DEFAULT_PROTOCOLS.items():
        if code in present:
            continue
        try:
            row = _store(db, actor, organization_id, protocol, code, SHIPPED_NOTE)
        except Conflict:
            continue
        audit.record(db, actor, AuditAction.CREATE, ENTITY, row.id, detail=_about(row))
        made += 1
    return made


def current_version(
    db: Session, organization_id: int, code: str, *, actor: Actor | None = None
) -> ProtocolVersion:
    """The newest version of ``code`` (shipped protocols are stored first if missing; by the
    system, at ``actor``'s time when given). ``NotFound`` lists the codes there are."""
    row = _newest(db, organization_id, code)
    if row is None and ensure_default_protocols(db, _system(actor), organization_id):
        row = _newest(db, organization_id, code)
    if row is None:
        known = db.scalars(
            select(ProtocolVersion.code)
            .where(ProtocolVersion.organization_id == organization_id)
            .distinct()
            .order_by(ProtocolVersion.code)
        )
        raise NotFound(f"No protocol {code!r}. The protocols are: {', '.join(known)}.")
    return row


def load(row: ProtocolVersion) -> Protocol:
    """The protocol a stored version holds."""
    return _decoded(row.body)


def current_protocols(
    db: Session, actor: Actor, organization_id: int
) -> list[tuple[ProtocolVersion, Protocol]]:
    """Every protocol's current version: the shipped ones first, then the clinic's by name."""
    actor.require(Action.READ_PROTOCOLS)
    _check_organization(actor, organization_id)
    ensure_default_protocols(db, _system(actor), organization_id)
    newest = (
        select(ProtocolVersion.code, func.max(ProtocolVersion.version).label("version"))
        .where(ProtocolVersion.organization_id == organization_id)
        .group_by(ProtocolVersion.code)
        .subquery()
    )
    current = (ProtocolVersion.code == newest.c.code) & (
        ProtocolVersion.version == newest.c.version
    )
    rows = db.scalars(
        select(ProtocolVersion)
        .join(newest, current)
        .where(ProtocolVersion.organization_id == organization_id)
    )
    return [(row, load(row)) for row in sorted(rows, key=_shipped_first)]


def _shipped_first(row: ProtocolVersion) -> tuple[int, str]:
    shipped = list(DEFAULT_PROTOCOLS)
    return (shipped.index(row.code) if row.code in shipped else len(shipped), row.name.lower())


def versions(db: Session, actor: Actor, organization_id: int, code: str) -> list[ProtocolVersion]:
    """Every version of ``code``, newest first."""
    actor.require(Action.READ_PROTOCOLS)
    _check_organization(actor, organization_id)
    current_version(db, organization_id, code, actor=actor)
    return list(
        db.scalars(
            select(ProtocolVersion)
            .where(
                ProtocolVersion.organization_id == organization_id,
                ProtocolVersion.code == code,
            )
            .order_by(ProtocolVersion.version.desc())
        )
    )


def version(
    db: Session, actor: Actor, organization_id: int, code: str, number: int
) -> ProtocolVersion:
    """Version ``number`` of ``code``, as it was stored."""
    for row in versions(db, actor, organization_id, code):
        if row.version == number:
            return row
    raise NotFound(f"The protocol {code!r} has no version {number}.")


def screening_code(row: ProtocolVersion) -> str:
    """The shipped protocol code screening rules and consent documents use for this version: its
    own code for a shipped protocol, the root of the copy chain for a clinic's copy."""
    return row.based_on_code


def save_version(
    db: Session,
    actor: Actor,
    organization_id: int,
    code: str,
    changes: Mapping[str, str],
    change_note: str,
) -> ProtocolVersion:
    """The next version of ``code``: the current one with ``changes`` (field name -> form text,
    see ``core.protocols.editable``) applied. Audited with each changed value, old and new."""
    actor.require(Action.MANAGE_PROTOCOLS)
    _check_organization(actor, organization_id)
    current = current_version(db, organization_id, code, actor=actor)
    before = load(current)
    errors = _note_errors(change_note)
    try:
        after = adjust(before, changes, version=current.version + 1, instruments=INSTRUMENTS)
    except ValidationFailed as refused:
        raise ValidationFailed([*refused.errors, *errors]) from None
    changed = changed_values(before, after)
    if not changed:
        errors.insert(0, FieldError("changes", "Nothing changed: change a value, then save."))
    if errors:
        raise ValidationFailed(errors)
    row = _store(db, actor, organization_id, after, current.based_on_code, change_note.strip())
    detail = _about(row) | {"changed": {field: list(pair) for field, pair in changed.items()}}
    audit.record(db, actor, AuditAction.UPDATE, ENTITY, row.id, detail=detail)
    return row


def copy_protocol(
    db: Session,
    actor: Actor,
    organization_id: int,
    from_code: str,
    new_code: str,
    new_name: str,
    change_note: str,
) -> ProtocolVersion:
    """Version 1 of a new protocol ``new_code``, a copy of the current version of ``from_code``
    with every value's source or note kept; the clinic then adjusts it."""
    actor.require(Action.MANAGE_PROTOCOLS)
    _check_organization(actor, organization_id)
    source = current_version(db, organization_id, from_code, actor=actor)
    new_code, new_name = new_code.strip(), new_name.strip()
    errors = _code_errors(db, organization_id, new_code) + _note_errors(change_note)
    if not new_name or len(new_name) > NAME_LENGTH:
        errors.insert(0, FieldError("name", f"Name the copy (up to {NAME_LENGTH} characters)."))
    if errors:
        raise ValidationFailed(errors)
    copy = replace(load(source), code=new_code, name=new_name, version=1)
    note = f"Copy of {from_code} version {source.version}: {change_note.strip()}"
    row = _store(db, actor, organization_id, copy, screening_code(source), note)
    detail = _about(row) | {"copied_from": {"code": from_code, "version": source.version}}
    audit.record(db, actor, AuditAction.CREATE, ENTITY, row.id, detail=detail)
    return row


def _note_errors(change_note: str) -> list[FieldError]:
    if change_note.strip():
        return []
    return [FieldError("change_note", "Say what changed and why; the note stays with the version.")]


def _code_errors(db: Session, organization_id: int, code: str) -> list[FieldError]:
    if not CODE.fullmatch(code):
        message = (
            "Use 3 to 60 lowercase letters, digits or underscores, starting with a letter "
            "(for example iv_ketamine_clinic)."
        )
        return [FieldError("code", message)]
    if code in DEFAULT_PROTOCOLS or _newest(db, organization_id, code) is not None:
        return [FieldError("code", f"There is already a protocol {code}; choose another code.")]
    return []


def _store(
    db: Session,
    actor: Actor,
    organization_id: int,
    protocol: Protocol,
    based_on_code: str,
    change_note: str,
) -> ProtocolVersion:
    """Insert one version; ``Conflict`` when that version number was stored meanwhile."""
    row = ProtocolVersion(
        organization_id=organization_id,
        code=protocol.code,
        version=protocol.version,
        name=protocol.name,
        based_on_code=based_on_code,
        body=json.dumps(to_document(protocol)),
        change_note=change_note,
        created_by_id=actor.staff_user_id,
        created_at=actor.at,
    )
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        message = f"{protocol.code} version {protocol.version} was saved meanwhile; reload it."
        raise Conflict(message, "changes") from None
    return row


def _newest(db: Session, organization_id: int, code: str) -> ProtocolVersion | None:
    return db.scalar(
        select(ProtocolVersion)
        .where(ProtocolVersion.organization_id == organization_id, ProtocolVersion.code == code)
        .order_by(ProtocolVersion.version.desc())
        .limit(1)
    )


@lru_cache(maxsize=128)
def _decoded(body: str) -> Protocol:
    """Stored versions never change, so the same text always reads as the same protocol."""
    return from_document(json.loads(body))


def _about(row: ProtocolVersion) -> dict[str, Any]:
    return {"code": row.code, "version": row.version}


def _system(actor: Actor | None) -> Actor:
    """Shipped protocols are stored by ketacare itself, whoever's request finds them missing."""
    return Actor(None, actor.at if actor is not None else datetime.now(UTC))


def _check_organization(actor: Actor, organization_id: int) -> None:
    if actor.principal is not None and actor.principal.organization_id != organization_id:
        raise NotFound("No such organization.")
