"""The treatment board: one site's chairs at a glance, as nurses running several chairs need it.

For each chair: the treatment in progress there (if any), the patient as the board names them,
the state, time since check-in or since the dose started, observation time left against the
protocol's minimum, the latest value of each vital with its recent trend, and the open alerts.
Each read is audited with the patients shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, LocationKind, TreatmentState, Vital
from ketacare.core.protocols.model import value_of
from ketacare.core.vitals.codes import VITALS
from ketacare.db.models import (
    Location,
    Patient,
    ProtocolVersion,
    Reading,
    Site,
    Treatment,
    VitalAlert,
)
from ketacare.services import alert_feed, audit, clinic, protocols
from ketacare.services.context import Actor
from ketacare.services.treatments import IN_PROGRESS

RECENT_READINGS = 400  # per treatment, newest first: enough for a trend of every vital
TREND_POINTS = 30


@dataclass(frozen=True)
class VitalNow:
    """A vital's latest usable value and the values before it, oldest first."""

    vital: str
    short: str
    unit: str
    value: Decimal
    observed_at: datetime
    trend: tuple[Decimal, ...]


@dataclass(frozen=True)
class ChairCard:
    """One chair (``chair`` None collects treatments not in a chair) and what is happening in it."""

    chair: Location | None
    treatment: Treatment | None = None
    patient: str = ""
    protocol: str = ""
    elapsed_min: int | None = None
    elapsed_since: str = ""
    observation_left_min: int | None = None
    vitals: tuple[VitalNow, ...] = ()
    alerts: tuple[VitalAlert, ...] = ()

    @property
    def worst_level(self) -> str:
        levels = {a.level for a in self.alerts}
        return next((lv for lv in ("emergency", "act", "warn") if lv in levels), "")


@dataclass(frozen=True)
class Board:
    site: Site
    at: datetime
    cards: tuple[ChairCard, ...]


def board(db: Session, actor: Actor, site_id: int) -> Board:
    """The site's board at ``actor.at``; audited as a read of every patient shown."""
    site = alert_feed.check_site(db, actor, site_id)
    rows = db.execute(
        select(Treatment, Patient, ProtocolVersion)
        .join(Patient, Patient.id == Treatment.patient_id)
        .join(ProtocolVersion, ProtocolVersion.id == Treatment.protocol_version_id)
        .where(Treatment.site_id == site_id, Treatment.state.in_(IN_PROGRESS))
        .order_by(Treatment.id)
    ).all()
    alerts = _open_alerts(db, [t.id for t, _, _ in rows])
    by_chair: dict[int | None, ChairCard] = {}
    for treatment, patient, version in rows:
        card = _card(db, actor.at, treatment, patient, version, alerts.get(treatment.id, []))
        by_chair.setdefault(treatment.location_id, card)
    chairs = _chairs(db, site_id)
    cards = [by_chair.pop(chair.id, ChairCard(chair)) for chair in chairs]
    cards += [card for card in by_chair.values()]  # in a room, or a chair since retired
    _audit(db, actor, site_id, [patient.id for _, patient, _ in rows])
    return Board(site, actor.at, tuple(cards))


def _chairs(db: Session, site_id: int) -> list[Location]:
    return [loc for loc in clinic.locations_of(db, site_id) if loc.kind == LocationKind.CHAIR]


def _open_alerts(db: Session, treatment_ids: list[int]) -> dict[int, list[VitalAlert]]:
    found: dict[int, list[VitalAlert]] = {}
    if not treatment_ids:
        return found
    for alert in db.scalars(
        select(VitalAlert)
        .where(VitalAlert.treatment_id.in_(treatment_ids), VitalAlert.acknowledged_at.is_(None))
        .order_by(VitalAlert.id)
    ):
        found.setdefault(alert.treatment_id, []).append(alert)
    return found


def _card(
    db: Session,
    now: datetime,
    treatment: Treatment,
    patient: Patient,
    version: ProtocolVersion,
    alerts: list[VitalAlert],
) -> ChairCard:
    chair = db.get(Location, treatment.location_id) if treatment.location_id else None
    since, started = _elapsed_from(treatment)
    return ChairCard(
        chair=chair,
        treatment=treatment,
        patient=alert_feed.patient_label(patient),
        protocol=version.name,
        elapsed_min=None if started is None else _minutes(now - started),
        elapsed_since=since,
        observation_left_min=_observation_left(treatment, version, now),
        vitals=_vitals(db, treatment.id),
        alerts=tuple(alerts),
    )


def _elapsed_from(treatment: Treatment) -> tuple[str, datetime | None]:
    if treatment.dosing_started_at is not None:
        return "dose start", treatment.dosing_started_at
    return "check-in", treatment.checked_in_at


def _observation_left(treatment: Treatment, version: ProtocolVersion, now: datetime) -> int | None:
    """Minutes of the protocol's minimum observation still to run (0 when done); None outside
    observation or when the clinic has not set the minimum."""
    if treatment.state != TreatmentState.OBSERVATION or treatment.observation_started_at is None:
        return None
    minimum = value_of(protocols.load(version).min_observation_min)
    if minimum is None:
        return None
    ends = treatment.observation_started_at + timedelta(minutes=minimum)
    return max(0, -(-int((ends - now).total_seconds()) // 60))  # whole minutes, rounded up


def _minutes(span: timedelta) -> int:
    return max(0, int(span.total_seconds()) // 60)


def _vitals(db: Session, treatment_id: int) -> tuple[VitalNow, ...]:
    """The latest valid value of each vital with its trend, in the code table's order."""
    recent = db.scalars(
        select(Reading)
        .where(Reading.treatment_id == treatment_id)
        .order_by(Reading.observed_at.desc(), Reading.id.desc())
        .limit(RECENT_READINGS)
    ).all()
    series: dict[str, list[tuple[Decimal, datetime]]] = {}
    for reading in recent:
        if reading.valid and reading.value is not None:
            series.setdefault(reading.vital, []).append((reading.value, reading.observed_at))
    shown = []
    for vital in Vital:
        newest_first = series.get(vital.value)
        if not newest_first:
            continue
        code, (value, at) = VITALS[vital], newest_first[0]
        trend = tuple(v for v, _ in reversed(newest_first[:TREND_POINTS]))
        shown.append(VitalNow(vital, code.short, code.unit, value, at, trend))
    return tuple(shown)


def _audit(db: Session, actor: Actor, site_id: int, patient_ids: list[int]) -> None:
    if patient_ids:
        audit.record(
            db,
            actor,
            AuditAction.VIEW,
            "treatment_board",
            site_id=site_id,
            detail={"patient_ids": sorted(set(patient_ids))},
        )
