"""Safety alerts: raised in the same transaction that stores a response, shown until a prescriber,
therapist or admin acknowledges them with a note of the action taken. Never hidden, never closed
by the system.

Which responses raise one (clinical-reference §5.1 "Safety items that must raise a same-session
alert", §5.2 triage): any ``suicidal_ideation`` or ``suicidal_behavior`` flag, or a C-SSRS triage
of moderate or high. One alert per response, at the most urgent level that applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AlertLevel, AuditAction
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.instruments import SUICIDAL_BEHAVIOR, SUICIDAL_IDEATION, Score, instrument
from ketacare.core.permissions import Action
from ketacare.db.models import InstrumentResponse, Patient, SafetyAlert, Site
from ketacare.services import audit
from ketacare.services.context import Actor

CSSRS = "cssrs_screen"
_CSSRS_LEVELS = {"high": AlertLevel.HIGH, "moderate": AlertLevel.MODERATE}
# The single item behind each instrument's ideation flag, to name it in the alert (§5.1).
_SAFETY_ITEM = {"phq9": 9, "madrs": 10, "qids_sr16": 12}
_URGENCY = {AlertLevel.HIGH.value: 0, AlertLevel.MODERATE.value: 1, AlertLevel.IDEATION.value: 2}


@dataclass(frozen=True)
class AlertRow:
    """An open alert and its patient, for the Today page and the chart."""

    alert: SafetyAlert
    patient: Patient
    site_timezone: str = "UTC"  # times are shown in the clock of the patient's site


def alert_for(score: Score) -> tuple[AlertLevel, str] | None:
    """The level and a plain reason when ``score`` must raise an alert, else None."""
    flags = score.flags
    if score.instrument_code == CSSRS:
        level = _CSSRS_LEVELS.get(score.band)
        if level is None and flags & {SUICIDAL_IDEATION, SUICIDAL_BEHAVIOR}:
            level = AlertLevel.IDEATION
        return None if level is None else (level, _cssrs_reason(score))
    if SUICIDAL_BEHAVIOR in flags:
        return AlertLevel.HIGH, _item_reason(score)
    if SUICIDAL_IDEATION in flags:
        return AlertLevel.IDEATION, _item_reason(score)
    return None


def _cssrs_reason(score: Score) -> str:
    yes = [str(n) for n, value in enumerate(score.answers, start=1) if value == 1]
    return f"C-SSRS screener: {score.band} risk (YES to item {', '.join(yes)})"


def _item_reason(score: Score) -> str:
    name = instrument(score.instrument_code).name
    number = _SAFETY_ITEM.get(score.instrument_code)
    if number is None:
        return f"{name}: {', '.join(sorted(score.flags)).replace('_', ' ')}"
    return f"{name} item {number} answered {score.answers[number - 1]}"


def raise_for(
    db: Session, actor: Actor, response: InstrumentResponse, score: Score, **detail: Any
) -> SafetyAlert | None:
    """Store the alert ``response`` calls for (if any), in the caller's transaction."""
    found = alert_for(score)
    if found is None:
        return None
    level, reason = found
    alert = SafetyAlert(
        patient_id=response.patient_id,
        site_id=response.site_id,
        response_id=response.id,
        reason=reason,
        level=level.value,
        raised_at=actor.at,
        action_note="",
    )
    db.add(alert)
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.CREATE,
        "safety_alert",
        alert.id,
        patient_id=alert.patient_id,
        site_id=alert.site_id,
        detail={"level": level.value, "response_id": response.id, **detail},
    )
    return alert


def open_alerts(
    db: Session,
    actor: Actor,
    site_ids: Iterable[int] | None = None,
    patient_id: int | None = None,
) -> list[AlertRow]:
    """Unacknowledged alerts at the given sites (default: every site the actor reads outcomes
    at), most urgent first, then oldest first. Roles without outcome access get none."""
    query = (
        select(SafetyAlert, Patient, Site.timezone)
        .join(Patient, Patient.id == SafetyAlert.patient_id)
        .join(Site, Site.id == SafetyAlert.site_id)
        .where(SafetyAlert.acknowledged_at.is_(None))
        .order_by(case(_URGENCY, value=SafetyAlert.level, else_=3), SafetyAlert.raised_at)
    )
    sites = _sites(actor, site_ids)
    if sites is not None:
        query = query.where(SafetyAlert.site_id.in_(sites))
    if patient_id is not None:
        query = query.where(SafetyAlert.patient_id == patient_id)
    rows = [AlertRow(alert, patient, zone) for alert, patient, zone in db.execute(query).all()]
    if rows:
        patient_ids = sorted({row.patient.id for row in rows})
        audit.record(
            db,
            actor,
            AuditAction.VIEW,
            "safety_alert",
            patient_id=patient_id,
            site_id=rows[0].alert.site_id if patient_id is not None else None,
            detail={"alert_ids": [row.alert.id for row in rows], "patient_ids": patient_ids},
        )
    return rows


def _sites(actor: Actor, site_ids: Iterable[int] | None) -> frozenset[int] | None:
    visible = actor.visible_sites(Action.READ_OUTCOMES)
    if site_ids is None:
        return visible
    wanted = frozenset(site_ids)
    return wanted if visible is None else wanted & visible


def acknowledge(db: Session, actor: Actor, alert_id: int, action_note: str) -> SafetyAlert:
    """Close an alert with a note of the action taken; who, when and the note are audited."""
    alert = db.get(SafetyAlert, alert_id, with_for_update=True)
    visible = actor.visible_sites(Action.READ_OUTCOMES)
    if alert is None or (visible is not None and alert.site_id not in visible):
        raise NotFound("No such safety alert at your sites.")
    actor.require(Action.ACKNOWLEDGE_SAFETY_ALERT, alert.site_id)
    note = action_note.strip()
    if not note:
        raise ValidationFailed({"action_note": "Describe the action taken for this patient."})
    if alert.acknowledged_at is not None:
        raise Conflict("This alert was already acknowledged.")
    alert.acknowledged_at, alert.acknowledged_by_id = actor.at, actor.staff_user_id
    alert.action_note = note
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "safety_alert",
        alert.id,
        patient_id=alert.patient_id,
        site_id=alert.site_id,
        detail={"acknowledged": True, "action_note": note},
    )
    return alert


def alerts_of(db: Session, actor: Actor, patient_id: int) -> Sequence[SafetyAlert]:
    """Every alert of a patient, open and acknowledged, newest first (the chart's history)."""
    patient = db.get(Patient, patient_id)
    visible = actor.visible_sites(Action.READ_OUTCOMES)
    if patient is None or (visible is not None and patient.site_id not in visible):
        raise NotFound("No such patient, or you do not read outcomes at the patient's site.")
    alerts = db.scalars(
        select(SafetyAlert)
        .where(SafetyAlert.patient_id == patient_id)
        .order_by(SafetyAlert.raised_at.desc(), SafetyAlert.id.desc())
    ).all()
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "safety_alert",
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"alert_ids": [a.id for a in alerts]},
    )
    return alerts
