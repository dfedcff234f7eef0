"""Everything the treatment page shows, read in one audited call.

Besides the record itself it works out what to do next: the checklist of the next state with what
is missing (``core.treatments.checklist``), and the rating scales due now: the protocol's
instruments at about 40 minutes after dosing starts (§3.4 BP and dissociation peak ~40 min
[SPR-HCP] [YALE-BP]; issue 6 "CADSS at ~40 min and at the end") and at the end of the treatment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, TimePoint, TreatmentState
from ketacare.core.instruments import INSTRUMENTS
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.treatments import Facts, Requirement, checklist, next_state
from ketacare.db.models import (
    Administration,
    AdministrationEvent,
    AdverseEvent,
    Course,
    DischargeAssessment,
    DoseOrder,
    Intervention,
    Location,
    Patient,
    ProtocolVersion,
    Reading,
    Site,
    StaffUser,
    Treatment,
    TreatmentCheck,
    TreatmentEvent,
    TreatmentNote,
    VitalAlert,
)
from ketacare.services import protocols as protocol_store
from ketacare.services import treatments, vital_alerts
from ketacare.services.context import Actor
from ketacare.services.treatment_administration import events_of
from ketacare.services.treatment_facts import (
    administration_of,
    awaiting_second_signature,
    facts_for,
    latest_assessment,
    latest_checks,
    latest_order,
    readings_of,
    responses_on_day,
    version_of,
)

AT_40_MIN = 40  # §3.4 reassess at ~40 minutes [SPR-HCP]; issue 6: CADSS at ~40 min
SCALE_TIMES = (
    ("at_40_min", TimePoint.DURING_40_MIN, "at about 40 minutes"),
    ("end_of_treatment", TimePoint.END_OF_TREATMENT, "at the end of the treatment"),
)
AFTER_DOSING = (
    TreatmentState.OBSERVATION,
    TreatmentState.READY_FOR_DISCHARGE,
)


@dataclass(frozen=True)
class ScaleDue:
    """One rating scale the protocol asks for at this point of the treatment."""

    code: str
    name: str
    when: str
    time_point: str
    done: bool


@dataclass(frozen=True)
class TreatmentView:
    treatment: Treatment
    patient: Patient
    site: Site
    chair: Location | None
    version: ProtocolVersion
    protocol: Protocol
    course: Course | None
    facts: Facts
    next_state: TreatmentState | None
    checklist: tuple[Requirement, ...]
    checks: dict[str, TreatmentCheck]
    order: DoseOrder | None
    awaiting_second_signature: bool
    administration: Administration | None
    administration_events: list[AdministrationEvent]
    readings: list[Reading]
    alerts: list[VitalAlert]
    interventions: list[Intervention]
    adverse_events: list[AdverseEvent]
    notes: list[TreatmentNote]
    assessment: DischargeAssessment | None
    events: list[TreatmentEvent]
    scales: list[ScaleDue]
    staff_names: dict[int, str]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    @property
    def observation_ends_at(self) -> datetime | None:
        started, least = self.treatment.observation_started_at, self.facts.min_observation_min
        return None if started is None or least is None else started + timedelta(minutes=least)


def view(db: Session, actor: Actor, treatment_id: int) -> TreatmentView:
    """The treatment page's content; the read is audited."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.READ_TREATMENTS)
    facts = facts_for(db, treatment, actor.at, actor=actor)
    version = version_of(db, treatment)
    protocol = protocol_store.load(version)
    upcoming = next_state(TreatmentState(treatment.state))
    order = latest_order(db, treatment.id)
    given = administration_of(db, treatment.id)
    patient, site = db.get(Patient, treatment.patient_id), db.get(Site, treatment.site_id)
    assert patient is not None
    assert site is not None
    shown = TreatmentView(
        treatment=treatment,
        patient=patient,
        site=site,
        chair=db.get(Location, treatment.location_id) if treatment.location_id else None,
        version=version,
        protocol=protocol,
        course=db.get(Course, treatment.course_id) if treatment.course_id else None,
        facts=facts,
        next_state=upcoming,
        checklist=checklist(upcoming, facts) if upcoming is not None else (),
        checks=latest_checks(db, treatment.id),
        order=order,
        awaiting_second_signature=order is not None and awaiting_second_signature(protocol, order),
        administration=given,
        administration_events=events_of(db, given.id) if given is not None else [],
        readings=readings_of(db, treatment.id),
        alerts=list(vital_alerts.alerts_of_treatment(db, actor, treatment)),
        interventions=_rows(db, Intervention, treatment.id, Intervention.given_at),
        adverse_events=_rows(db, AdverseEvent, treatment.id, AdverseEvent.onset_at),
        notes=_rows(db, TreatmentNote, treatment.id, TreatmentNote.at),
        assessment=latest_assessment(db, treatment.id),
        events=treatments.events_of(db, treatment.id),
        scales=scales_due(db, treatment, protocol, actor.at),
        staff_names=_staff_names(db, treatment.organization_id),
    )
    treatments.record(db, actor, AuditAction.VIEW, treatments.ENTITY, treatment.id, treatment)
    return shown


Row = TypeVar("Row", Intervention, AdverseEvent, TreatmentNote)


def _rows(db: Session, model: type[Row], treatment_id: int, order: Any) -> list[Row]:
    return list(db.scalars(select(model).where(model.treatment_id == treatment_id).order_by(order)))


def _staff_names(db: Session, organization_id: int) -> dict[int, str]:
    rows = db.execute(
        select(StaffUser.id, StaffUser.full_name).where(
            StaffUser.organization_id == organization_id
        )
    ).all()
    return {user_id: name for user_id, name in rows}


def scales_due(
    db: Session, treatment: Treatment, protocol: Protocol, now: datetime
) -> list[ScaleDue]:
    """The protocol's scales at ~40 minutes (once 40 minutes of dosing have passed) and at the
    end (once observation has begun), each marked done when entered today at that time point."""
    due = value_of(protocol.instruments_due) or {}
    done = responses_on_day(db, treatment)
    found: list[ScaleDue] = []
    for key, time_point, words in SCALE_TIMES:
        if not _reached(treatment, key, now):
            continue
        found.extend(
            ScaleDue(code, _name(code), words, time_point, (code, time_point) in done)
            for code in due.get(key, ())
        )
    return found


def _reached(treatment: Treatment, key: str, now: datetime) -> bool:
    started = treatment.dosing_started_at
    if key == "at_40_min":
        return started is not None and now >= started + timedelta(minutes=AT_40_MIN)
    return treatment.state in AFTER_DOSING


def _name(code: str) -> str:
    return INSTRUMENTS[code].name if code in INSTRUMENTS else code
