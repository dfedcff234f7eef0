"""Per-patient schedules and the due/overdue list a site sees on its Today page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent
from ketacare.services import appointments, responses, schedules, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.5")


def at_day(days: int, hour: int = 9) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), datetime.min.time(), UTC).replace(
        hour=hour
    )


def test_a_weekly_questionnaire_is_due_at_7_days_and_overdue_after_9(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        schedules.add_schedule(
            db, nurse, patient.id, "phq9", "every_n_days", TODAY - timedelta(days=30), 7
        )
        responses.record_clinician_response(
            db, nurse, patient.id, "phq9", [1] * 9, "scheduled", at_day(-7, 15)
        )
        assert [(r.code, r.status) for r in schedules.due_today(db, nurse, None, TODAY)] == [
            ("phq9", "due")
        ]
        assert schedules.due_today(db, nurse, None, TODAY - timedelta(days=1)) == []
        overdue = schedules.due_today(db, nurse, None, TODAY + timedelta(days=3))
        assert [r.status for r in overdue] == ["overdue"]


def test_before_every_treatment_is_due_on_the_treatment_day_until_answered(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        schedules.add_schedule(
            db, nurse, patient.id, "gad7", "before_every_treatment", TODAY - timedelta(days=10)
        )
        for days, status in ((-3, "completed"), (0, "booked"), (1, "cancelled")):
            starts = at_day(days, 13)
            booking = appointments.Booking(
                patient.id, None, starts, starts + timedelta(hours=2), "treatment", status
            )
            appointments.book(db, nurse, booking)
        responses.record_clinician_response(
            db, nurse, patient.id, "gad7", [0] * 7, "pre_dose", at_day(-3, 12)
        )
        [row] = schedules.due_today(db, nurse, [clinic.north_site_id], TODAY)
        assert (row.patient.id, row.code, row.status) == (patient.id, "gad7", "due")
        assert schedules.due_today(db, nurse, None, TODAY + timedelta(days=1)) == []
        responses.record_clinician_response(
            db, nurse, patient.id, "gad7", [0] * 7, "pre_dose", at_day(0, 7)
        )
        assert schedules.due_today(db, nurse, None, TODAY) == []


def test_the_due_list_is_per_site_audited_and_open_to_front_desk(sessions, clinic: Clinic):
    north = add_patient(sessions, clinic.north_site_id, mrn="N-1")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        schedules.add_schedule(db, nurse, north.id, "phq9", "every_n_days", TODAY, 14)
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        assert len(schedules.due_today(db, desk, None, TODAY)) == 1
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.entity, event.site_id) == (
            "view",
            "instruments_due",
            clinic.north_site_id,
        )
        assert schedules.due_today(db, desk, [clinic.south_site_id], TODAY) == []
        south_nurse = actor_for(db, clinic.south_nurse_email)
        assert schedules.due_today(db, south_nurse, None, TODAY) == []


def test_an_ended_schedule_asks_nothing_more(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        row = schedules.add_schedule(
            db, prescriber, patient.id, "phq9", "every_n_days", TODAY - timedelta(days=20), 7
        )
        schedules.end_schedule(db, prescriber, row.id, TODAY - timedelta(days=1))
        assert schedules.due_today(db, prescriber, None, TODAY) == []
        [listed] = schedules.schedules_of(db, prescriber, patient.id)
        assert (listed.active, listed.ends_on) == (False, TODAY - timedelta(days=1))


def test_an_impossible_schedule_is_refused_and_front_desk_cannot_add_one(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(ValidationFailed) as raised:
            schedules.add_schedule(db, nurse, patient.id, "phq9", "every_n_days", TODAY)
        assert "interval_days" in raised.value.by_field()
        with pytest.raises(ValidationFailed) as raised:
            schedules.add_schedule(db, nurse, patient.id, "bdi", "every_n_days", TODAY, 7)
        assert "instrument_code" in raised.value.by_field()
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        with pytest.raises(PermissionDenied):
            schedules.add_schedule(db, desk, patient.id, "phq9", "every_n_days", TODAY, 7)
