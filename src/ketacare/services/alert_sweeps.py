"""The treatment day's timed work: escalating unacknowledged alerts, noticing a silent monitor,
and dropping raw monitor messages past the clinic's retention.

A sweep runs every few seconds in each server process (``run``). On PostgreSQL a transaction-level
advisory lock lets one process sweep at a time; on SQLite every write transaction already holds
the one write lock. Each rule acts once: an alert is escalated only while ``escalated_at`` is
empty, and a silent monitor raises one alert per silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AuditAction, TreatmentState, VitalAlertKind, VitalAlertLevel
from ketacare.core.vitals.timing import escalation_due, monitor_silent, usual_interval
from ketacare.db.engine import transaction
from ketacare.db.models import InboundMessage, Organization, Reading, Treatment, VitalAlert
from ketacare.services import alert_settings
from ketacare.services.context import Actor
from ketacare.services.live import AlertEvent, Broker
from ketacare.services.vital_alerts import ESCALATING, audited, new_alert

log = logging.getLogger("ketacare.alerts")

WATCHED_STATES = (TreatmentState.DOSING, TreatmentState.OBSERVATION)  # issue 6: "monitor silent"
MONITOR = "monitor"  # Reading.source of the monitor feed
RECENT_READINGS = 200  # per treatment, by observation time: enough for a usual interval
PURGE_BATCH = 500
SWEEP_LOCK = 0x6B63_616C  # PostgreSQL advisory lock key ("kcal")


def escalate_due(db: Session, now: datetime) -> list[VitalAlert]:
    """Mark act-level and emergency alerts left unacknowledged past the clinic's escalation time
    (``TreatmentSettings.escalate_after_min``; issue 6) as escalated, audited by ketacare."""
    rows = db.execute(
        select(VitalAlert, Treatment.organization_id)
        .join(Treatment, Treatment.id == VitalAlert.treatment_id)
        .where(
            VitalAlert.acknowledged_at.is_(None),
            VitalAlert.escalated_at.is_(None),
            VitalAlert.level.in_(ESCALATING),
        )
    ).all()
    after: dict[int, int] = {}
    escalated = []
    for alert, organization_id in rows:
        if organization_id not in after:
            settings = alert_settings.treatment_day_settings(db, organization_id)
            after[organization_id] = settings.escalate_after_min
        if escalation_due(alert.raised_at, False, now, after[organization_id]):
            alert.escalated_at = now
            audited(db, Actor(None, now), AuditAction.UPDATE, alert, {"escalated": True})
            escalated.append(alert)
    return escalated


def raise_silent(db: Session, now: datetime) -> list[VitalAlert]:
    """A "monitor silent" alert for each treatment in dosing or observation whose monitor feed
    has sent nothing for 3 times its usual interval (issue 6), once per silence."""
    raised = []
    for treatment in db.scalars(select(Treatment).where(Treatment.state.in_(WATCHED_STATES))):
        received = _monitor_receipts(db, treatment.id)
        if not received:
            continue
        last, usual = max(received), usual_interval(received)
        if usual is None or not monitor_silent(last, usual, now):
            continue
        if _silence_alerted(db, treatment.id, last):
            continue
        raised.append(_silent_alert(db, treatment, now, last, usual))
    return raised


def _monitor_receipts(db: Session, treatment_id: int) -> list[datetime]:
    """Distinct receipt times of the treatment's latest monitor readings (a message's readings
    share one); manual readings do not count."""
    rows = db.execute(
        select(Reading.received_at, Reading.source)
        .where(Reading.treatment_id == treatment_id)
        .order_by(Reading.observed_at.desc())
        .limit(RECENT_READINGS)
    ).all()
    return sorted({at for at, source in rows if source == MONITOR})


def _silence_alerted(db: Session, treatment_id: int, last_received_at: datetime) -> bool:
    return bool(
        db.scalar(
            select(
                exists().where(
                    VitalAlert.treatment_id == treatment_id,
                    VitalAlert.kind == VitalAlertKind.SILENT,
                    VitalAlert.raised_at > last_received_at,
                )
            )
        )
    )


def _silent_alert(
    db: Session, treatment: Treatment, now: datetime, last: datetime, usual: timedelta
) -> VitalAlert:
    quiet_s = int((now - last).total_seconds())
    message = (
        f"Monitor silent: nothing received for {_span(quiet_s)} (usually every "
        f"{_span(int(usual.total_seconds()))}). Check the monitor and the patient."
    )
    alert = new_alert(treatment, VitalAlertKind.SILENT, VitalAlertLevel.WARN, message, now)
    db.add(alert)
    db.flush()
    audited(
        db, Actor(None, now), AuditAction.CREATE, alert, {"kind": alert.kind, "quiet_s": quiet_s}
    )
    return alert


def _span(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


def purge_inbound(db: Session, organization_id: int, now: datetime) -> int:
    """Delete up to ``PURGE_BATCH`` of the oldest monitor messages past the clinic's retention
    (their readings stay, without the link); returns how many went."""
    keep = alert_settings.treatment_day_settings(db, organization_id).inbound_retention_days
    old = db.execute(
        select(InboundMessage.id, InboundMessage.treatment_id)
        .where(InboundMessage.received_at < now - timedelta(days=keep))
        .order_by(InboundMessage.received_at)
        .limit(PURGE_BATCH)
    ).all()
    if not old:
        return 0
    ids = [message_id for message_id, _ in old]
    treatments = {treatment_id for _, treatment_id in old if treatment_id is not None}
    if treatments:  # by treatment first, so the reading index narrows the search
        db.execute(
            update(Reading)
            .where(Reading.treatment_id.in_(treatments), Reading.inbound_message_id.in_(ids))
            .values(inbound_message_id=None)
        )
    db.execute(delete(InboundMessage).where(InboundMessage.id.in_(ids)))
    return len(ids)


def sweep(sessions: sessionmaker[Session], now: datetime) -> list[AlertEvent]:
    """One sweep in one transaction; returns the events to publish now that it has committed."""
    with transaction(sessions) as db:
        if db.get_bind().dialect.name == "postgresql" and not db.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": SWEEP_LOCK}
        ):
            return []  # another process is sweeping
        escalated = escalate_due(db, now)
        silent = raise_silent(db, now)
        for organization_id in _organizations(db):
            purge_inbound(db, organization_id, now)
    return [AlertEvent(a.id, a.site_id, "escalated") for a in escalated] + [
        AlertEvent(a.id, a.site_id, "raised") for a in silent
    ]


def _organizations(db: Session) -> Sequence[int]:
    return db.scalars(select(Organization.id)).all()


async def run(sessions: sessionmaker[Session], broker: Broker, interval_s: float) -> None:
    """Sweep every ``interval_s`` seconds until cancelled; a failed sweep is logged and retried."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            events = await asyncio.to_thread(sweep, sessions, datetime.now(UTC))
        except Exception:  # the next sweep tries again; never stop watching
            log.exception("treatment alert sweep failed")
            continue
        broker.publish(events)
