"""Consent documents per protocol (versioned, each version unchangeable) and patients' signatures.

Publishing a new version makes every earlier signature for that protocol no longer valid: the
patient signs the new text. A signature is never edited; withdrawing it is the one later write,
and consenting again is a new signature.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.consent import (
    DEFAULT_KEY_RISKS,
    LatestDocument,
    SignedConsent,
    check_signature,
    default_body,
    is_valid,
)
from ketacare.core.enums import AuditAction, KeyRisk
from ketacare.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.screening import PROTOCOLS
from ketacare.db.models import ConsentDocument, ConsentSignature, Patient
from ketacare.services import audit
from ketacare.services.context import Actor
from ketacare.services.eligibility import check_protocol
from ketacare.services.responses import patient_for


@dataclass(frozen=True)
class ConsentState:
    """One signature, the document version it signed, and whether it is valid now."""

    signature: ConsentSignature
    document: ConsentDocument
    valid: bool


def key_risks_of(document: ConsentDocument) -> list[tuple[str, str]]:
    """(risk code, the clinic's wording) in the order the patient reads them."""
    return [(r["code"], r["text"]) for r in json.loads(document.key_risks)]


def _default_title(protocol_code: str) -> str:
    return f"Consent to treatment: {PROTOCOLS[protocol_code].label}"


def ensure_default_documents(
    db: Session, actor: Actor, organization_id: int
) -> list[ConsentDocument]:
    """Version 1 of the template document for every protocol that has none; returns those made.

    The text says it is a template the clinic must review before patients sign it."""
    actor.require(Action.MANAGE_CONSENT_DOCUMENTS)
    made = []
    risks = {risk.value: text for risk, text in DEFAULT_KEY_RISKS.items()}
    for code, protocol in PROTOCOLS.items():
        if _versions(db, organization_id, code):
            continue
        body = default_body(protocol.label)
        made.append(_publish(db, actor, organization_id, code, _default_title(code), body, risks))
    return made


def _versions(db: Session, organization_id: int, protocol_code: str) -> list[ConsentDocument]:
    return list(
        db.scalars(
            select(ConsentDocument)
            .where(
                ConsentDocument.organization_id == organization_id,
                ConsentDocument.protocol_code == protocol_code,
            )
            .order_by(ConsentDocument.version.desc())
        ).all()
    )


def documents_for(
    db: Session, actor: Actor, organization_id: int, protocol_code: str
) -> list[ConsentDocument]:
    """Every version of a protocol's document, newest first."""
    actor.require(Action.READ_PATIENT)
    check_protocol(protocol_code)
    return _versions(db, organization_id, protocol_code)


def latest_document(
    db: Session, organization_id: int, protocol_code: str
) -> ConsentDocument | None:
    """The version patients sign now: the newest active one."""
    active = [d for d in _versions(db, organization_id, protocol_code) if d.active]
    return active[0] if active else None


def _check_document(title: str, body: str, key_risks: Mapping[str, str]) -> dict[str, str]:
    errors: list[FieldError] = []
    if not title.strip():
        errors.append(FieldError("title", "Give the document a title."))
    if not body.strip():
        errors.append(FieldError("body", "Write the consent text."))
    wording = {code: key_risks.get(code, "").strip() for code in KeyRisk}
    errors.extend(
        FieldError(f"key_risks.{code}", "Describe this risk in words the patient understands.")
        for code, text in wording.items()
        if not text
    )
    errors.extend(
        FieldError(f"key_risks.{code}", "Not one of the consent's key risks.")
        for code in key_risks
        if code not in {k.value for k in KeyRisk}
    )
    if errors:
        raise ValidationFailed(errors)
    return {code.value: text for code, text in wording.items()}


def publish_document_version(
    db: Session,
    actor: Actor,
    organization_id: int,
    protocol_code: str,
    title: str,
    body: str,
    key_risks: Mapping[str, str],
) -> ConsentDocument:
    """A new version of a protocol's document (``key_risks`` maps each ``KeyRisk`` code to the
    clinic's wording); earlier versions stay as they were, and their signatures stop being valid."""
    actor.require(Action.MANAGE_CONSENT_DOCUMENTS)
    if actor.principal is not None and actor.principal.organization_id != organization_id:
        raise NotFound("No such organization.")
    check_protocol(protocol_code)
    wording = _check_document(title, body, key_risks)
    return _publish(db, actor, organization_id, protocol_code, title.strip(), body.strip(), wording)


def _publish(
    db: Session,
    actor: Actor,
    organization_id: int,
    protocol_code: str,
    title: str,
    body: str,
    risks: Mapping[str, str],
) -> ConsentDocument:
    last = db.scalar(
        select(func.max(ConsentDocument.version)).where(
            ConsentDocument.organization_id == organization_id,
            ConsentDocument.protocol_code == protocol_code,
        )
    )
    document = ConsentDocument(
        organization_id=organization_id,
        protocol_code=protocol_code,
        version=(last or 0) + 1,
        title=title,
        body=body,
        key_risks=json.dumps([{"code": c, "text": t} for c, t in risks.items()]),
        created_by_id=actor.staff_user_id,
        created_at=actor.at,
        active=True,
    )
    db.add(document)
    db.flush()
    detail = {"protocol": protocol_code, "version": document.version}
    audit.record(db, actor, AuditAction.CREATE, "consent_document", document.id, detail=detail)
    return document


def sign(
    db: Session,
    actor: Actor,
    patient_id: int,
    document_id: int,
    typed_name: str,
    signed_on: date,
    risks: Iterable[str],
) -> ConsentSignature:
    """Record the patient's signature of the latest version, witnessed by the signed-in staff
    user (who needs WITNESS_CONSENT at the patient's site). Every key risk must be ticked."""
    patient = patient_for(db, actor, patient_id, Action.WITNESS_CONSENT)
    if actor.staff_user_id is None:
        raise PermissionDenied("A staff user witnesses a consent.")
    document = _signable(db, patient, document_id)
    ticked = sorted(set(risks))
    required = [code for code, _ in key_risks_of(document)]
    check_signature(required, ticked, typed_name, signed_on, actor.at.date())
    row = ConsentSignature(
        patient_id=patient.id,
        site_id=patient.site_id,
        consent_document_id=document.id,
        typed_name=typed_name.strip(),
        signed_on=signed_on,
        risks_acknowledged=json.dumps(ticked),
        witness_id=actor.staff_user_id,
        signed_at=actor.at,
    )
    db.add(row)
    db.flush()
    _audit(db, actor, AuditAction.CREATE, row, document, risks=ticked)
    return row


def _signable(db: Session, patient: Patient, document_id: int) -> ConsentDocument:
    document = db.get(ConsentDocument, document_id)
    if document is None or document.organization_id != patient.organization_id:
        raise NotFound("No such consent document.")
    latest = latest_document(db, document.organization_id, document.protocol_code)
    if latest is None or latest.id != document.id:
        raise Conflict("A newer version of this consent exists; sign the current one.")
    return document


def _audit(
    db: Session,
    actor: Actor,
    action: AuditAction,
    row: ConsentSignature,
    document: ConsentDocument,
    **detail: Any,
) -> None:
    detail = {"protocol": document.protocol_code, "document_version": document.version, **detail}
    audit.record(
        db,
        actor,
        action,
        "consent_signature",
        row.id,
        patient_id=row.patient_id,
        site_id=row.site_id,
        detail=detail,
    )


def withdraw(db: Session, actor: Actor, signature_id: int) -> ConsentSignature:
    """Mark a signature withdrawn (who and when); ``Conflict`` if it already was."""
    row = db.get(ConsentSignature, signature_id, with_for_update=True)
    if row is None:
        raise NotFound("No such consent signature.")
    patient_for(db, actor, row.patient_id, Action.WITNESS_CONSENT)
    if row.withdrawn_at is not None:
        raise Conflict("This consent was already withdrawn.")
    row.withdrawn_at, row.withdrawn_by_id = actor.at, actor.staff_user_id
    document = db.get(ConsentDocument, row.consent_document_id)
    assert document is not None
    _audit(db, actor, AuditAction.UPDATE, row, document, withdrawn=True)
    return row


def _valid(db: Session, row: ConsentSignature, document: ConsentDocument) -> bool:
    latest = latest_document(db, document.organization_id, document.protocol_code)
    reference = None
    if latest is not None:
        codes = frozenset(code for code, _ in key_risks_of(latest))
        reference = LatestDocument(latest.id, codes)
    signed = SignedConsent(
        row.consent_document_id,
        row.typed_name,
        frozenset(json.loads(row.risks_acknowledged)),
        row.withdrawn_at is not None,
    )
    return is_valid(signed, reference)


def _signatures(db: Session, patient_id: int) -> list[tuple[ConsentSignature, ConsentDocument]]:
    rows = db.execute(
        select(ConsentSignature, ConsentDocument)
        .join(ConsentDocument, ConsentDocument.id == ConsentSignature.consent_document_id)
        .where(ConsentSignature.patient_id == patient_id)
        .order_by(ConsentSignature.signed_at.desc(), ConsentSignature.id.desc())
    ).all()
    return [(signature, document) for signature, document in rows]


def has_valid_consent(db: Session, patient_id: int, protocol_code: str) -> bool:
    """True when the patient signed the latest active version of the protocol's document and has
    not withdrawn. A check for other workflows (treatments), which audit their own reads."""
    return any(
        _valid(db, signature, document)
        for signature, document in _signatures(db, patient_id)
        if document.protocol_code == protocol_code
    )


def consents_of(db: Session, actor: Actor, patient_id: int) -> Sequence[ConsentState]:
    """Every signature of the patient, newest first, with whether it is valid now; audited."""
    patient = patient_for(db, actor, patient_id, Action.READ_PATIENT)
    states = [ConsentState(s, d, _valid(db, s, d)) for s, d in _signatures(db, patient.id)]
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "consent_signature",
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"signature_ids": [s.signature.id for s in states]},
    )
    return states
