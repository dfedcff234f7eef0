"""The patient portal: one-time questionnaire links, made by staff and used by the patient.

Staff create a link (``create_link``; the token is shown once, only its SHA-256 is kept) and may
email it. The patient opens it, confirms their date of birth, saves answers one at a time and
submits. The patient has no staff account, so these steps run as ``Actor(None, at, ip)`` and
are audited with ``{"via": "portal"}``. Refusals (``core.portal.LinkRefused`` and its kinds)
store nothing, except that a wrong date of birth is counted: ``confirm_date_of_birth`` raises
after counting, and the caller must still commit (as staff sign-in failures are).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core import portal as rules
from ketacare.core.enums import AuditAction, ResponseSource, TimePoint
from ketacare.core.errors import ValidationFailed
from ketacare.core.instruments import (
    INSTRUMENTS,
    InvalidAnswers,
    Item,
    Score,
    instrument,
    score,
)
from ketacare.core.permissions import Action
from ketacare.db.models import InstrumentResponse, Organization, Patient, PortalLink, Site
from ketacare.interop.mail import SmtpMailer
from ketacare.services import audit, responses
from ketacare.services.context import Actor

DEFAULT_LIFETIME = timedelta(hours=72)
VIA_PORTAL = {"via": "portal"}


@dataclass(frozen=True)
class IssuedLink:
    """A new link: ``token`` is shown to staff once (and emailed); ``url_path`` is "/p/<token>"."""

    token: str
    url_path: str
    row: PortalLink


@dataclass(frozen=True)
class PortalState:
    """What the patient's page needs; never the patient's name or any score."""

    link_id: int
    clinic_name: str
    codes: tuple[str, ...]
    expires_at: datetime
    dob_confirmed: bool
    attempts_left: int
    answers: Mapping[str, tuple[int | None, ...]]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(
    db: Session,
    actor: Actor,
    patient_id: int,
    codes: Sequence[str],
    expires_in: timedelta = DEFAULT_LIFETIME,
) -> IssuedLink:
    """Make a one-time link for the patient to complete self-report ``codes``."""
    patient = responses.patient_for(db, actor, patient_id, Action.SEND_PORTAL_LINK)
    chosen = _checked_codes(codes)
    if expires_in <= timedelta(0):
        raise ValidationFailed({"expires_in": "The link must stay open for some time."})
    token = secrets.token_urlsafe(32)
    counts = {code: len(_all_items(code)) for code in chosen}
    row = PortalLink(
        token_hash=token_digest(token),
        patient_id=patient.id,
        site_id=patient.site_id,
        instrument_codes=json.dumps(chosen),
        created_by_id=actor.staff_user_id,
        created_at=actor.at,
        expires_at=actor.at + expires_in,
        draft_answers=json.dumps(rules.empty_draft(counts)),
        failed_dob_attempts=0,
        emailed_to="",
    )
    db.add(row)
    db.flush()
    detail = {"instruments": chosen, "expires_at": row.expires_at.isoformat()}
    _audit(db, actor, AuditAction.CREATE, row, detail)
    return IssuedLink(token, f"/p/{token}", row)


def _checked_codes(codes: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(codes))
    if not chosen:
        raise ValidationFailed({"codes": "Choose at least one questionnaire."})
    for code in chosen:
        if code not in INSTRUMENTS or INSTRUMENTS[code].kind != "self_report":
            raise ValidationFailed({"codes": f"{code!r} is not a questionnaire patients fill in."})
    return chosen


def send_link_by_email(
    db: Session, actor: Actor, link: PortalLink, token: str, base_url: str, mailer: SmtpMailer
) -> None:
    """Email the link to the patient's address on file; raises ``MailNotSent`` on failure."""
    patient = responses.patient_for(db, actor, link.patient_id, Action.SEND_PORTAL_LINK)
    if not patient.email:
        raise ValidationFailed({"email": "This patient has no email address on file."})
    if token_digest(token) != link.token_hash:
        raise ValidationFailed({"token": "The token does not belong to this link."})
    site = db.get(Site, link.site_id)
    assert site is not None
    clinic_name = _clinic_name(db, patient)
    subject, body = link_email(clinic_name, site, f"{base_url.rstrip('/')}/p/{token}", link)
    mailer.send(patient.email, subject, body)
    link.emailed_to = patient.email
    _audit(db, actor, AuditAction.UPDATE, link, {"emailed": True})


def link_email(clinic_name: str, site: Site, url: str, link: PortalLink) -> tuple[str, str]:
    """The subject and plain-text body: who asks, what to do, the link and when it expires.
    Never a score, a diagnosis or the patient's name (an address can be mistyped)."""
    local = link.expires_at.astimezone(ZoneInfo(site.timezone))
    expires = f"{local:%A %d %B %Y at %H:%M} ({site.timezone})"
    body = (
        "Hello,\n\n"
        f"{clinic_name} has asked you to fill in a few short questionnaires. They help your "
        "care team see how you are doing.\n\n"
        f"Open this link on your phone or computer:\n{url}\n\n"
        "You will be asked for your date of birth first. Your answers are saved as you go, "
        "so you can stop and come back. The link works once and expires on "
        f"{expires}.\n\n"
        "If the link has expired or does not work, please contact the clinic.\n\n"
        "These answers are not read straight away. If you need urgent help, call your local "
        "emergency number.\n\n"
        f"{clinic_name}\n"
    )
    return f"Questionnaires from {clinic_name}", body


def open_link(db: Session, token: str, at: datetime, ip_address: str | None = None) -> PortalState:
    """The link's state; raises LinkNotFound, LinkSpent, LinkLocked or LinkExpired."""
    link = _usable(db, token, at)
    _audit(db, Actor(None, at, ip_address), AuditAction.VIEW, link, VIA_PORTAL)
    return _state(db, link, at)


def confirm_date_of_birth(
    db: Session, token: str, dob: date, at: datetime, ip_address: str | None = None
) -> PortalState:
    """Open the answering window when ``dob`` matches. A wrong date raises
    ``DateOfBirthMismatch`` (or ``LinkLocked`` at the last try) AFTER counting the failure:
    the caller commits anyway, so the count cannot be dodged."""
    link = _usable(db, token, at)
    patient = db.get(Patient, link.patient_id)
    assert patient is not None
    actor = Actor(None, at, ip_address)
    if patient.date_of_birth != dob:
        link.failed_dob_attempts += 1
        _audit(db, actor, AuditAction.UPDATE, link, {"date_of_birth": "mismatch", **VIA_PORTAL})
        raise rules.refuse_wrong_dob(link.failed_dob_attempts)
    link.failed_dob_attempts = 0
    link.dob_confirmed_until = rules.confirmed_until(at, link.expires_at)
    _audit(db, actor, AuditAction.UPDATE, link, {"date_of_birth": "confirmed", **VIA_PORTAL})
    return _state(db, link, at)


def save_answer(
    db: Session,
    token: str,
    code: str,
    item_number: int,
    value: int | None,
    at: datetime,
    ip_address: str | None = None,
) -> PortalState:
    """Keep one answer (``None`` takes it back) and renew the answering window."""
    link = _confirmed(db, token, at)
    items = _all_items(code) if code in INSTRUMENTS else ()
    index = next((i for i, item in enumerate(items) if item.number == item_number), -1)
    if value is not None and index >= 0 and value not in items[index].values:
        allowed = ", ".join(str(v) for v in items[index].values)
        raise InvalidAnswers(f"Question {item_number}: choose one of {allowed}.")
    draft = rules.with_answer(_draft(link), code, index, value)
    link.draft_answers = json.dumps(draft)
    link.dob_confirmed_until = rules.confirmed_until(at, link.expires_at)
    detail = {"instrument": code, "item": item_number, **VIA_PORTAL}
    _audit(db, Actor(None, at, ip_address), AuditAction.UPDATE, link, detail)
    return _state(db, link, at)


def submit(
    db: Session, token: str, at: datetime, ip_address: str | None = None
) -> list[InstrumentResponse]:
    """Score every instrument, store one response each (raising safety alerts) and spend the
    link, all or nothing. ``InvalidAnswers`` names the first unanswerable item."""
    link = _confirmed(db, token, at, lock=True)
    patient = db.get(Patient, link.patient_id)
    assert patient is not None
    draft = _draft(link)
    scores = [_score(code, draft[code]) for code in _codes(link)]
    actor = Actor(None, at, ip_address)
    stored = [
        responses.store(
            db,
            actor,
            patient,
            scored,
            TimePoint.SCHEDULED,
            at,
            ResponseSource.PORTAL,
            link.id,
            **VIA_PORTAL,
        )
        for scored in scores
    ]
    link.spent_at, link.draft_answers = at, "{}"
    _audit(db, actor, AuditAction.UPDATE, link, {"spent": True, **VIA_PORTAL})
    return stored


def _score(code: str, slots: Sequence[int | None]) -> Score:
    return score(code, rules.answers_to_score(slots, len(instrument(code).items)))


def _all_items(code: str) -> tuple[Item, ...]:
    info = instrument(code)
    return info.items + info.optional_items


def _usable(db: Session, token: str, at: datetime, lock: bool = False) -> PortalLink:
    query = select(PortalLink).where(PortalLink.token_hash == token_digest(token))
    link = db.scalar(query.with_for_update() if lock else query)
    if link is None:
        raise rules.LinkNotFound()
    rules.check_usable(_facts(link), at)
    return link


def _confirmed(db: Session, token: str, at: datetime, lock: bool = False) -> PortalLink:
    link = _usable(db, token, at, lock)
    if not rules.is_confirmed(_facts(link), at):
        raise rules.DateOfBirthNeeded()
    return link


def _facts(link: PortalLink) -> rules.LinkFacts:
    return rules.LinkFacts(
        link.expires_at, link.spent_at, link.failed_dob_attempts, link.dob_confirmed_until
    )


def _codes(link: PortalLink) -> list[str]:
    codes: list[str] = json.loads(link.instrument_codes)
    return codes


def _draft(link: PortalLink) -> rules.Draft:
    draft: rules.Draft = json.loads(link.draft_answers)
    return draft


def _state(db: Session, link: PortalLink, at: datetime) -> PortalState:
    patient = db.get(Patient, link.patient_id)
    assert patient is not None
    draft = _draft(link)
    return PortalState(
        link_id=link.id,
        clinic_name=_clinic_name(db, patient),
        codes=tuple(_codes(link)),
        expires_at=link.expires_at,
        dob_confirmed=rules.is_confirmed(_facts(link), at),
        attempts_left=rules.attempts_left(link.failed_dob_attempts),
        answers={code: tuple(slots) for code, slots in draft.items()},
    )


def _clinic_name(db: Session, patient: Patient) -> str:
    organization = db.get(Organization, patient.organization_id)
    assert organization is not None
    return organization.name


def _audit(
    db: Session, actor: Actor, action: AuditAction, link: PortalLink, detail: Mapping[str, object]
) -> None:
    audit.record(
        db,
        actor,
        action,
        "portal_link",
        link.id,
        patient_id=link.patient_id,
        site_id=link.site_id,
        detail=detail,
    )
