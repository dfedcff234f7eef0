"""Treatments: check-in from today's course appointment, and every transition guard read from the
record both ways (what is missing before, nothing after), with events, stamps and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.core.treatments import TreatmentError, missing
from ketacare.db.models import (
    Appointment,
    AuditEvent,
    ConsentSignature,
    Course,
    Treatment,
    TreatmentEvent,
)
from ketacare.services import (
    appointments,
    consent,
    responses,
    treatment_checks,
    treatments,
    vital_alerts,
)
from ketacare.services.treatment_facts import facts_for
from tests.factories import Clinic
from tests.services.assessment import actor_for
from tests.services.treatment_day import (
    ESKETAMINE,
    Booked,
    book_course,
    check_in,
    enrol_in_rems,
    minutes,
    readings,
    ready_to_clear,
    run_to,
    set_limits,
)


@pytest.fixture
def booked(sessions, clinic: Clinic) -> Booked:
    return book_course(sessions, clinic)


def treatment(sessions: sessionmaker[Session], treatment_id: int) -> Treatment:
    with sessions() as db:
        row = db.get(Treatment, treatment_id)
        assert row is not None
        return row


def missing_codes(
    sessions: sessionmaker[Session], clinic: Clinic, treatment_id: int, to: TreatmentState, at
) -> set[str]:
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], at)
        row = db.get(Treatment, treatment_id)
        assert row is not None
        return {m.code for m in missing(to, facts_for(db, row, at, actor=nurse))}


def advance(sessions, clinic: Clinic, treatment_id: int, to: str, at, role: Role = Role.NURSE):
    with sessions() as db, db.begin():
        treatments.advance(db, actor_for(db, clinic.users[role], at), treatment_id, to)


def test_check_in_starts_the_treatment_in_the_appointments_chair_under_the_courses_protocol(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    with sessions() as db:
        row = db.get(Treatment, treatment_id)
        booking = db.get(Appointment, booked.appointment_id)
        course = db.get(Course, booked.course_id)
        events = db.scalars(select(TreatmentEvent)).all()
        audited = db.scalars(select(AuditEvent).where(AuditEvent.entity == "treatment")).all()
    assert row is not None
    assert booking is not None
    assert course is not None
    assert (row.state, row.checked_in_at) == (TreatmentState.CHECKED_IN, booked.starts_at)
    assert (row.location_id, row.protocol_version_id) == (
        booking.location_id,
        course.protocol_version_id,
    )
    assert booking.status == "arrived"
    assert [(e.from_state, e.to_state) for e in events] == [("scheduled", "checked_in")]
    assert {a.patient_id for a in audited} == {booked.patient_id}


def test_an_appointment_checks_in_once(sessions, clinic: Clinic, booked: Booked):
    check_in(sessions, clinic, booked)
    with pytest.raises(Conflict, match="already checked in"):
        check_in(sessions, clinic, booked)


def test_check_in_is_refused_on_another_day_than_the_treatments(
    sessions, clinic: Clinic, booked: Booked
):
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK], booked.starts_at - timedelta(days=1))
        with pytest.raises(Conflict, match="check in on that day"):
            treatments.check_in(db, desk, booked.appointment_id)


def test_a_cancelled_or_non_course_appointment_does_not_check_in(
    sessions, clinic: Clinic, booked: Booked
):
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK], booked.starts_at)
        appointments.set_status(db, desk, booked.appointment_id, "cancelled")
        with pytest.raises(Conflict, match="cancelled"):
            treatments.check_in(db, desk, booked.appointment_id)
        loose = appointments.book(
            db,
            desk,
            appointments.Booking(
                booked.patient_id, None, booked.starts_at, minutes(booked, 60), "treatment"
            ),
        )
        with pytest.raises(ValidationFailed):
            treatments.check_in(db, desk, loose.id)


@pytest.mark.parametrize(
    ("who", "error"), [(Role.THERAPIST, PermissionDenied), ("south", NotFound)]
)
def test_a_therapist_or_someone_from_another_site_cannot_check_in(
    sessions, clinic: Clinic, booked: Booked, who, error
):
    email = clinic.south_nurse_email if who == "south" else clinic.users[who]
    with sessions() as db, db.begin(), pytest.raises(error):
        treatments.check_in(db, actor_for(db, email, booked.starts_at), booked.appointment_id)


def test_clearing_lists_what_is_missing_then_goes_ahead_once_the_record_has_it(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    before = missing_codes(
        sessions, clinic, treatment_id, TreatmentState.CLEARED, minutes(booked, 1)
    )
    assert before == {
        "order",
        "baseline_vitals",
        "escort_home",
        "weight_recorded",
        "instruments",
    }
    with pytest.raises(TreatmentError, match="not ordered a dose"):
        advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 1))
    ready_to_clear(sessions, clinic, booked, treatment_id)
    advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 10))
    row = treatment(sessions, treatment_id)
    assert (row.state, row.cleared_at) == ("cleared", minutes(booked, 10))


def test_a_withdrawn_consent_or_no_eligibility_decision_holds_the_treatment(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], booked.starts_at)
        signature = db.scalars(select(ConsentSignature)).one()
        consent.withdraw(db, nurse, signature.id)
    later = booked.starts_at + timedelta(days=400)  # the decision expired (12 months)
    assert {"consent", "eligibility"} <= missing_codes(
        sessions, clinic, treatment_id, TreatmentState.CLEARED, later
    )


def test_an_invalid_reading_is_not_a_baseline_and_a_missing_vital_is_named(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    readings(sessions, clinic, treatment_id, minutes(booked, 2), sbp_mmhg="120", dbp_mmhg="80")
    with pytest.raises(TreatmentError, match="hr_bpm, spo2_percent"):
        advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 3))


def test_a_baseline_beyond_the_clinics_hold_limit_needs_a_prescribers_override(
    sessions, clinic: Clinic, booked: Booked
):
    set_limits(sessions, clinic, "iv_ketamine_depression", sbp_mmhg__hold__high="159")
    treatment_id = check_in(sessions, clinic, booked)
    ready_to_clear(sessions, clinic, booked, treatment_id)
    readings(sessions, clinic, treatment_id, minutes(booked, 6), sbp_mmhg="170")
    with pytest.raises(TreatmentError, match=r"SBP 170.* above the pre-dose hold limit of 159"):
        advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 7))
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 8))
        with pytest.raises(PermissionDenied):
            treatment_checks.record_check(
                db, nurse, treatment_id, "pre_dose_hold", "waived", note="Anxious on arrival."
            )
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], minutes(booked, 8))
        treatment_checks.record_check(
            db, prescriber, treatment_id, "pre_dose_hold", "waived", note="White-coat; rechecked."
        )
    advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 9))


@pytest.mark.parametrize(
    ("code", "status", "note", "field"),
    [
        ("escort_home", "waived", "Lives nearby.", "status"),
        ("weight_recorded", "waived", "", "note"),
        ("eligibility_signed", "confirmed", "", "code"),
        ("not_a_check", "confirmed", "", "code"),
    ],
)
def test_checks_that_cannot_be_recorded_so_are_refused_by_field(
    sessions, clinic: Clinic, booked: Booked, code, status, note, field
):
    treatment_id = check_in(sessions, clinic, booked)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 1))
        with pytest.raises(ValidationFailed) as refused:
            treatment_checks.record_check(db, nurse, treatment_id, code, status, note=note)
    assert field in refused.value.by_field()


def test_a_pre_dose_instrument_entered_on_the_day_counts_as_done(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 1))
        responses.record_clinician_response(
            db, nurse, booked.patient_id, "phq9", [1] * 9, "pre_dose", minutes(booked, 1)
        )
    codes = missing_codes(
        sessions, clinic, treatment_id, TreatmentState.CLEARED, minutes(booked, 2)
    )
    assert "instruments" not in codes


def test_esketamine_needs_the_patients_rems_enrolment_recorded(sessions, clinic: Clinic):
    booked = book_course(sessions, clinic, ESKETAMINE)
    treatment_id = check_in(sessions, clinic, booked)
    ready_to_clear(sessions, clinic, booked, treatment_id)
    with pytest.raises(TreatmentError, match="REMS enrolment is not recorded"):
        advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 10))
    enrol_in_rems(sessions, booked)
    advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 10))


def test_observation_runs_its_minimum_before_the_patient_can_be_signed_off(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    run_to(sessions, clinic, booked, treatment_id, "observation")  # observation from minute 55
    codes = missing_codes(
        sessions, clinic, treatment_id, TreatmentState.READY_FOR_DISCHARGE, minutes(booked, 100)
    )
    assert codes == {
        "observation_time",
        "vitals_within_limits",
        "alert_and_oriented",
        "nausea_controlled",
        "escort_present",
        "sign_off",
    }
    run_to_ready = minutes(booked, 115)  # 60 minutes after the stop at minute 55
    codes = missing_codes(
        sessions, clinic, treatment_id, TreatmentState.READY_FOR_DISCHARGE, run_to_ready
    )
    assert "observation_time" not in codes


def test_an_open_act_alert_holds_discharge_until_someone_acknowledges_it(
    sessions, clinic: Clinic, booked: Booked
):
    set_limits(sessions, clinic, "iv_ketamine_depression", spo2_percent__act__low="92")
    treatment_id = check_in(sessions, clinic, booked)
    run_to(sessions, clinic, booked, treatment_id, "observation")
    raised = readings(sessions, clinic, treatment_id, minutes(booked, 70), spo2_percent="85")
    at = minutes(booked, 116)
    assert "open_alerts" in missing_codes(
        sessions, clinic, treatment_id, TreatmentState.READY_FOR_DISCHARGE, at
    )
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 72))
        vital_alerts.acknowledge(db, nurse, raised.alerts[0].id, "remeasured")
    assert "open_alerts" not in missing_codes(
        sessions, clinic, treatment_id, TreatmentState.READY_FOR_DISCHARGE, at
    )


def test_a_whole_treatment_stamps_every_state_and_completes_the_appointment(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    run_to(sessions, clinic, booked, treatment_id, "discharged")
    row = treatment(sessions, treatment_id)
    with sessions() as db:
        events = db.scalars(
            select(TreatmentEvent).where(TreatmentEvent.treatment_id == treatment_id)
        ).all()
    assert [e.to_state for e in events] == [
        "checked_in",
        "cleared",
        "dosing",
        "observation",
        "ready_for_discharge",
        "discharged",
    ]
    assert (row.dosing_started_at, row.observation_started_at) == (
        minutes(booked, 15),
        minutes(booked, 55),
    )
    assert row.signed_off_by_id is not None
    assert appointment_status(sessions, booked) == "completed"


def appointment_status(sessions, booked: Booked) -> str:
    with sessions() as db:
        row = db.get(Appointment, booked.appointment_id)
        assert row is not None
        return row.status


def test_aborting_needs_a_reason_and_nothing_leaves_an_aborted_treatment(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], minutes(booked, 5))
        with pytest.raises(ValidationFailed):
            treatments.abort(db, nurse, treatment_id, "  ")
        with pytest.raises(ValidationFailed):
            treatments.advance(db, nurse, treatment_id, "aborted")
        treatments.abort(db, nurse, treatment_id, "Unwell on arrival; rebooked.")
    row = treatment(sessions, treatment_id)
    assert (row.state, row.abort_reason) == ("aborted", "Unwell on arrival; rebooked.")
    with pytest.raises(TreatmentError, match="cannot become cleared"):
        advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 6))


def test_a_state_cannot_be_skipped(sessions, clinic: Clinic, booked: Booked):
    treatment_id = check_in(sessions, clinic, booked)
    with pytest.raises(TreatmentError, match="checked in cannot become observation"):
        advance(sessions, clinic, treatment_id, "observation", minutes(booked, 5))
    with pytest.raises(ValidationFailed):
        advance(sessions, clinic, treatment_id, "finished", minutes(booked, 5))


def test_only_nurses_and_prescribers_run_a_treatment(sessions, clinic: Clinic, booked: Booked):
    treatment_id = check_in(sessions, clinic, booked)
    for role in (Role.FRONT_DESK, Role.ADMIN, Role.THERAPIST):
        with pytest.raises(PermissionDenied):
            advance(sessions, clinic, treatment_id, "cleared", minutes(booked, 5), role)


def test_readings_taken_after_dosing_began_are_not_baseline_readings(
    sessions, clinic: Clinic, booked: Booked
):
    treatment_id = check_in(sessions, clinic, booked)
    run_to(sessions, clinic, booked, treatment_id, "dosing")
    readings(sessions, clinic, treatment_id, minutes(booked, 30), sbp_mmhg="150")
    with sessions() as db, db.begin():
        row = db.get(Treatment, treatment_id)
        assert row is not None
        baseline = facts_for(db, row, minutes(booked, 31)).baseline
    assert baseline["sbp_mmhg"] == minutes(booked, 2)
