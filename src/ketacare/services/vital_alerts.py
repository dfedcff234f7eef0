"""Vital-sign alerts on a treatment: raised from readings by the core rules, acknowledged by a
nurse or prescriber with the action taken.

``raise_alerts`` is the one way readings raise alerts, for typed readings and the monitor feed
alike: it runs in the caller's transaction, and after the commit the caller publishes what it
returns (``services.live.publish``). Thresholds are the clinic's (``alert_settings``); a limit
not set never fires (clinical-reference §4.2).

An alert stays open until someone acknowledges it, even when a later reading is back within
limits: the core's "clear" decisions are not stored, so a passing dip still needs a person to
record what was done, and an unacknowledged act-level alert escalates (``alert_sweeps``).
While an alert for a vital and level is open, no second one is raised for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, VitalAlertKind, VitalAlertLevel
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.vitals import alerts as rules
from ketacare.core.vitals.model import Reading as CoreReading
from ketacare.core.vitals.symptoms import emergency_pathway
from ketacare.core.vitals.thresholds import ThresholdProfile
from ketacare.db.models import ProtocolVersion, Reading, Treatment, VitalAlert
from ketacare.services import alert_settings, audit, protocols
from ketacare.services.context import Actor

ENTITY = "vital_alert"
OTHER = "other"
# What staff did about an alert (clinical-reference §4.3 "Management actions to model", plus
# the neutral answers a nurse gives at the bedside). "other" needs a note.
ACTIONS: Mapping[str, str] = MappingProxyType(
    {
        "pause_infusion": "Infusion paused",  # §4.3 [DUNLOP]
        "slow_infusion": "Infusion slowed",  # §4.3
        "stop_infusion": "Infusion stopped",  # §4.3 [DUNLOP]
        "antihypertensive": "Antihypertensive given",  # §4.3 [YIP] (drugs UNVERIFIED)
        "antiemetic": "Antiemetic given",  # §4.3 [ACEP]
        "benzodiazepine": "Benzodiazepine given",  # §4.3 [KET-LBL-MYLAN] [ACEP]
        "observe": "Observed: no symptoms, no intervention",  # §4.2 [YIP] urgency: observe
        "emergency": "Emergency pathway: treated or transferred",  # §4.2 [YIP]
        "remeasured": "Re-measured",
        "artefact": "Artefact (probe or cuff) checked at the bedside",
        "prescriber_informed": "Prescriber informed",
        OTHER: "Other (described in the note)",
    }
)
ESCALATING = (VitalAlertLevel.ACT, VitalAlertLevel.EMERGENCY)


def threshold_profile(db: Session, treatment: Treatment) -> ThresholdProfile:
    """The limits that apply to ``treatment``: its protocol version's, then the clinic's for the
    protocol's code."""
    version = db.get(ProtocolVersion, treatment.protocol_version_id)
    if version is None:
        raise NotFound("The treatment's protocol version is missing.")
    protocol = protocols.load(version)
    return alert_settings.profile_for(db, treatment.organization_id, protocol)


def raise_alerts(
    db: Session, treatment: Treatment, readings: Sequence[Reading], now: datetime
) -> list[VitalAlert]:
    """Store the alerts ``readings`` (flushed rows of ``treatment``) raise, in observation
    order, and return them; invalid readings raise nothing. Audited as raised by ketacare."""
    usable = [r for r in readings if r.valid and r.value is not None]
    if not usable:
        return []
    profile = threshold_profile(db, treatment)
    if not profile.vitals:
        return []  # the clinic has set no limit for this protocol: nothing can fire
    standing = {a.id: a for a in open_threshold_alerts(db, treatment.id)}
    open_now = [_as_open(alert) for alert in standing.values()]
    raised: list[VitalAlert] = []
    for row in sorted(usable, key=lambda r: (r.observed_at, r.id)):
        for decision in rules.evaluate(_as_core(row), profile, open_now):
            if isinstance(decision, rules.ClearAlert):
                open_now = [a for a in open_now if a != decision.alert]
                _clear(standing.get(decision.alert.alert_id or 0), row)
            elif not _covered(decision, open_now):
                alert = _store(db, treatment, row, decision, now)
                raised.append(alert)
                open_now.append(_as_open(alert))
    if raised:
        db.flush()
        for alert in raised:
            _audit_raised(db, alert, now)
    return raised


def open_threshold_alerts(db: Session, treatment_id: int) -> Sequence[VitalAlert]:
    """Threshold alerts still standing: not yet back within limits. Acknowledging an alert
    stops its sound and escalation but keeps it standing, so a breach that goes on is not
    raised again with every reading; it clears when a reading is back within that level."""
    return db.scalars(
        select(VitalAlert).where(
            VitalAlert.treatment_id == treatment_id,
            VitalAlert.kind == VitalAlertKind.THRESHOLD,
            VitalAlert.cleared_at.is_(None),
        )
    ).all()


def _clear(alert: VitalAlert | None, reading: Reading) -> None:
    if alert is not None and alert.cleared_at is None:
        alert.cleared_at = reading.observed_at


def _covered(decision: rules.RaiseAlert, open_now: Iterable[rules.OpenAlert]) -> bool:
    """An open alert for the same vital at this level or higher already stands for it (a value
    easing from act to warn raises nothing new while the act alert is open)."""
    rank = rules.RANK[decision.level]
    return any(
        alert.kind == decision.kind
        and alert.vital == decision.breach.vital
        and rules.RANK[alert.level] >= rank
        for alert in open_now
    )


def _as_core(row: Reading) -> CoreReading:
    value = None if row.value is None else row.value.normalize()  # "85 %", not "85.00 %"
    return CoreReading(row.vital, value, row.observed_at, row.valid)


def _as_open(alert: VitalAlert) -> rules.OpenAlert:
    return rules.OpenAlert(
        alert.vital, VitalAlertLevel(alert.level), VitalAlertKind(alert.kind), alert.id
    )


def _store(
    db: Session, treatment: Treatment, row: Reading, decision: rules.RaiseAlert, now: datetime
) -> VitalAlert:
    breach = decision.breach
    alert = new_alert(treatment, decision.kind, decision.level, breach.message, now)
    alert.reading_id, alert.vital, alert.value = row.id, breach.vital, breach.value
    db.add(alert)
    return alert


def new_alert(
    treatment: Treatment,
    kind: VitalAlertKind,
    level: VitalAlertLevel,
    message: str,
    at: datetime,
) -> VitalAlert:
    """An alert on ``treatment``, not yet added to the session."""
    return VitalAlert(
        treatment_id=treatment.id,
        site_id=treatment.site_id,
        patient_id=treatment.patient_id,
        kind=kind.value,
        level=level.value,
        message=message,
        raised_at=at,
        action="",
    )


def _audit_raised(db: Session, alert: VitalAlert, now: datetime) -> None:
    detail = {"kind": alert.kind, "level": alert.level}
    if alert.vital is not None:
        detail["vital"] = alert.vital
    audited(db, Actor(None, now), AuditAction.CREATE, alert, detail)  # raised by the rules


def audited(
    db: Session,
    actor: Actor,
    action: AuditAction,
    alert: VitalAlert,
    detail: Mapping[str, object] | None = None,
) -> None:
    """One audit event about ``alert``, with its patient, site and treatment."""
    audit.record(
        db,
        actor,
        action,
        ENTITY,
        alert.id,
        patient_id=alert.patient_id,
        site_id=alert.site_id,
        detail={"treatment_id": alert.treatment_id, **(detail or {})},
    )


def report_symptoms(
    db: Session, actor: Actor, treatment: Treatment, symptoms: Iterable[str]
) -> VitalAlert | None:
    """An emergency alert when a reported symptom is on the emergency list (§4.2 symptom-gated
    escalation: whatever the readings show); None when none is. Audited as the reporter's."""
    actor.require(Action.RUN_TREATMENT, treatment.site_id)
    found = emergency_pathway(symptoms)
    if found is None:
        return None
    alert = new_alert(treatment, found.kind, found.level, found.message, actor.at)
    db.add(alert)
    db.flush()
    audited(db, actor, AuditAction.CREATE, alert, {"symptoms": [s.value for s in found.symptoms]})
    return alert


def acknowledge(
    db: Session, actor: Actor, alert_id: int, action: str, note: str = ""
) -> VitalAlert:
    """Close an alert with the action taken (a code of ``ACTIONS``) and an optional note (needed
    for "other"); who and when are kept and audited. A second acknowledgement is a Conflict."""
    alert = _visible(db, actor, alert_id, for_update=True)
    actor.require(Action.RUN_TREATMENT, alert.site_id)
    note = note.strip()
    if action not in ACTIONS:
        raise ValidationFailed({"action": "Choose the action taken."})
    if action == OTHER and not note:
        raise ValidationFailed({"note": "Describe the action taken."})
    if alert.acknowledged_at is not None:
        raise Conflict("This alert was already acknowledged.")
    alert.acknowledged_at, alert.acknowledged_by_id = actor.at, actor.staff_user_id
    alert.action = ACTIONS[action] + (f": {note}" if note else "")
    audited(
        db, actor, AuditAction.UPDATE, alert, {"acknowledged": True, "action": action, "note": note}
    )
    return alert


def alert_for(db: Session, actor: Actor, alert_id: int) -> VitalAlert:
    """One alert at the actor's sites, for the acknowledgement form; audited."""
    alert = _visible(db, actor, alert_id)
    audited(db, actor, AuditAction.VIEW, alert)
    return alert


def _visible(db: Session, actor: Actor, alert_id: int, for_update: bool = False) -> VitalAlert:
    alert = db.get(VitalAlert, alert_id, with_for_update=for_update)
    sites = actor.visible_sites(Action.READ_TREATMENTS)
    if alert is None or (sites is not None and alert.site_id not in sites):
        raise NotFound("No such alert at your sites.")
    return alert


def alerts_of_treatment(db: Session, actor: Actor, treatment: Treatment) -> Sequence[VitalAlert]:
    """Every alert of a treatment, open first, newest first (the treatment page); audited."""
    actor.require(Action.READ_TREATMENTS, treatment.site_id)
    found = db.scalars(
        select(VitalAlert)
        .where(VitalAlert.treatment_id == treatment.id)
        .order_by(VitalAlert.acknowledged_at.is_not(None), VitalAlert.id.desc())
    ).all()
    if found:
        audit.record(
            db,
            actor,
            AuditAction.VIEW,
            ENTITY,
            patient_id=treatment.patient_id,
            site_id=treatment.site_id,
            detail={"treatment_id": treatment.id, "alert_ids": [a.id for a in found]},
        )
    return found
