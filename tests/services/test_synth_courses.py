"""The demo's courses of care: treatments in the past, scores over time, alerts and schedules."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AppointmentKind, AppointmentStatus, Role
from ketacare.db.models import (
    Appointment,
    ConsentSignature,
    EligibilityDecision,
    InstrumentResponse,
    InstrumentSchedule,
    Intake,
    SafetyAlert,
)
from ketacare.services import audit, clinic, consent, staff, synth, synth_courses
from ketacare.services.context import Actor
from tests.factories import PASSWORD, Clinic

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday; the seeded sites run on UTC
MONDAY = datetime(2026, 3, 2, tzinfo=UTC)  # courses are in the past, before this week
SYSTEM = Actor(None, NOW)


def build(sessions: sessionmaker[Session], clinic_: Clinic, per_site: int = 14) -> int:
    with sessions() as db, db.begin():
        synth.generate(db, SYSTEM, clinic_.organization_id, 80, seed=5)
        both_sites = [
            (clinic_.north_site_id, Role.PRESCRIBER),
            (clinic_.south_site_id, Role.PRESCRIBER),
        ]
        reviewer_user = staff.add(
            db, SYSTEM, clinic_.organization_id, "both.sites@clinic.test", "Both Sites", PASSWORD,
            both_sites,
        )  # fmt: skip
        consent.ensure_default_documents(db, SYSTEM, clinic_.organization_id)
        reviewer = Actor(staff.principal_for(db, reviewer_user), NOW)
        sites = clinic.sites_of(db, clinic_.organization_id)
        return synth_courses.build_courses(db, SYSTEM, reviewer, 7, sites, per_site)


def count(db: Session, *where: object, model: type = InstrumentResponse) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def test_each_course_has_past_treatments_with_scores_before_and_during_them(sessions, clinic):
    made = build(sessions, clinic)
    with sessions() as db:
        treatments = count(
            db, Appointment.kind == AppointmentKind.TREATMENT,
            Appointment.status == AppointmentStatus.COMPLETED, Appointment.starts_at < MONDAY,
            model=Appointment,
        )  # fmt: skip
        assert made == 28
        assert count(db, InstrumentResponse.instrument_code == "madrs") == treatments
        assert count(db, InstrumentResponse.instrument_code == "cadss") == treatments
        assert count(db, InstrumentResponse.instrument_code == "phq9") >= 4 * made
        assert count(db, model=InstrumentSchedule) == 2 * made


def test_no_two_past_treatments_share_a_chair_at_the_same_time(sessions, clinic):
    build(sessions, clinic)
    with sessions() as db:
        clashes = db.execute(
            select(Appointment.location_id, Appointment.starts_at, func.count())
            .group_by(Appointment.location_id, Appointment.starts_at)
            .having(func.count() > 1)
        ).all()
        assert clashes == []


def test_some_alerts_stay_open_and_the_oldest_per_site_is_acknowledged_with_a_note(
    sessions, clinic
):
    build(sessions, clinic)
    with sessions() as db:
        acknowledged = db.scalars(
            select(SafetyAlert).where(SafetyAlert.acknowledged_at.is_not(None))
        ).all()
        assert count(db, SafetyAlert.acknowledged_at.is_(None), model=SafetyAlert) >= 1
        assert {a.site_id for a in acknowledged} == {clinic.north_site_id, clinic.south_site_id}
        assert all(a.action_note and a.acknowledged_by_id for a in acknowledged)
        _, broken = audit.verify(db)
        assert broken is None


def test_each_course_was_assessed_decided_and_consented_and_two_more_wait(sessions, clinic):
    made = build(sessions, clinic)
    with sessions() as db:
        assert count(db, Intake.status == "complete", model=Intake) == made + 2
        assert count(db, Intake.status == "draft", model=Intake) == 2
        assert (
            count(db, EligibilityDecision.decision == "not_eligible", model=EligibilityDecision)
            == 2
        )
        assert count(db, model=ConsentSignature) == made
