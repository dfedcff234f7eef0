"""Recording clinician ratings, listing responses, and the trajectory a chart draws, with every
read and change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import NotFound, PermissionDenied, ValidationFailed
from ketacare.core.instruments import InvalidAnswers
from ketacare.db.models import AuditEvent, InstrumentResponse, SafetyAlert
from ketacare.services import appointments, outcome_settings, responses, staff
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PHQ9_20 = [3, 3, 2, 2, 2, 2, 2, 2, 2]  # total 20, item 9 = 2
PHQ9_8 = [1, 1, 1, 1, 1, 1, 1, 1, 0]
PHQ9_4 = [1, 1, 1, 1, 0, 0, 0, 0, 0]


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.5")


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def last_event(db: Session) -> AuditEvent:
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    return event


def test_a_nurse_records_a_madrs_rating_scored_and_audited(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        row = responses.record_clinician_response(
            db, nurse, patient.id, "madrs", [2] * 10, "pre_dose", NOW - timedelta(minutes=5)
        )
    with sessions() as db:
        stored = db.get(InstrumentResponse, row.id)
        assert stored is not None
        assert (stored.total, stored.band, stored.source) == (Decimal(20), "moderate", "clinician")
        assert responses.answers_of(stored) == [2] * 10
        assert stored.entered_by_id is not None
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.entity == "instrument_response")
        ).one()
        assert (event.action, event.patient_id, event.site_id) == (
            "create",
            patient.id,
            clinic.north_site_id,
        )


def test_invalid_answers_store_nothing(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(InvalidAnswers, match="item 3"):
            responses.record_clinician_response(
                db, nurse, patient.id, "phq9", [0, 0, 4, 0, 0, 0, 0, 0, 0], "baseline", NOW
            )
        assert count(db, InstrumentResponse) == 0


@pytest.mark.parametrize(
    ("time_point", "completed_at", "field"),
    [("lunch", NOW, "time_point"), ("baseline", NOW + timedelta(hours=1), "completed_at")],
)
def test_an_unknown_time_point_or_a_future_time_is_refused(
    sessions, clinic: Clinic, time_point: str, completed_at: datetime, field: str
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        with pytest.raises(ValidationFailed) as raised:
            responses.record_clinician_response(
                db, nurse, patient.id, "phq9", PHQ9_8, time_point, completed_at
            )
        assert field in raised.value.by_field()


def test_front_desk_may_not_enter_scores_and_a_south_nurse_cannot_see_a_north_patient(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK])
        with pytest.raises(PermissionDenied):
            responses.record_clinician_response(
                db, desk, patient.id, "phq9", PHQ9_8, "baseline", NOW
            )
        south = actor_for(db, clinic.south_nurse_email)
        with pytest.raises(NotFound):
            responses.responses_of(db, south, patient.id)


def test_a_clinician_entered_item_9_raises_an_ideation_alert_in_the_same_transaction(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        row = responses.record_clinician_response(
            db, nurse, patient.id, "phq9", PHQ9_20, "baseline", NOW
        )
        alert = db.scalars(select(SafetyAlert)).one()
        assert (alert.response_id, alert.level) == (row.id, "ideation")
        assert alert.reason == "PHQ-9 item 9 answered 2"


def test_reading_responses_is_audited(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        therapist = actor_for(db, clinic.users[Role.THERAPIST])
        responses.record_clinician_response(
            db, therapist, patient.id, "gad7", [1] * 7, "baseline", NOW
        )
        found = responses.responses_of(db, therapist, patient.id, "gad7")
        assert [r.instrument_code for r in found] == ["gad7"]
        event = last_event(db)
        assert (event.action, event.entity, event.patient_id) == (
            "view",
            "instrument_response",
            patient.id,
        )


def record_series(sessions, clinic: Clinic, patient_id: int) -> None:
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        series = [(PHQ9_8, "follow_up", 0), (PHQ9_20, "baseline", 1), (PHQ9_8, "scheduled", 8)]
        series.append((PHQ9_4, "scheduled", 15))
        for answers, time_point, day in series:
            at = NOW - timedelta(days=30) + timedelta(days=day)
            responses.record_clinician_response(
                db, nurse, patient_id, "phq9", answers, time_point, at
            )
        for day, status in ((2, "completed"), (9, "completed"), (10, "cancelled")):
            starts = NOW - timedelta(days=30) + timedelta(days=day)
            booking = appointments.Booking(
                patient_id, None, starts, starts + timedelta(hours=2), "treatment", status
            )
            appointments.book(db, nurse, booking)


def test_trajectory_classifies_each_response_against_the_marked_baseline(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    record_series(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER])
        seen = responses.trajectory(db, prescriber, patient.id, "phq9")
    assert seen.baseline_total == 20
    assert seen.response_line == Decimal(10)
    assert (seen.remission_cutoff, seen.remission_text) == (5, "< 5")
    assert [p.total for p in seen.points] == [8, 20, 8, 4]
    assert [p.outcome for p in seen.points] == ["", "", "response", "remission"]
    start = NOW - timedelta(days=30)
    assert seen.treatment_times == (start + timedelta(days=2), start + timedelta(days=9))


def test_trajectory_uses_the_clinics_own_cut_offs(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    record_series(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        outcome_settings.set_cutoffs(db, admin, "phq9", "lt", 10, 60, "clinic protocol 2026")
        seen = responses.trajectory(db, admin, patient.id, "phq9")
    assert [p.outcome for p in seen.points] == ["", "", "remission", "remission"]
    assert seen.response_line == Decimal(8)
    assert seen.remission_text == "< 10"


def test_trajectory_of_an_instrument_never_completed_is_empty(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        seen = responses.trajectory(db, nurse, patient.id, "gad7")
    assert (seen.points, seen.baseline_total, seen.response_line) == ((), None, None)
    assert seen.total_range == (0, 21)
