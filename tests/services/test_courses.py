"""Courses: a prescriber's order becomes proposed treatments on real chairs, booked under a lock and
re-checked; moves re-plan the rest within the protocol's minimum interval or are refused."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import combinations, pairwise

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import AppointmentStatus, CoursePhase, CourseStatus, Role
from ketacare.core.errors import Conflict, PermissionDenied, ValidationFailed
from ketacare.db.models import Appointment, AuditEvent, Course, Job, SiteClosure
from ketacare.services import course_changes, courses, eligibility, intake
from ketacare.services.course_planning import CourseOrder, propose
from tests.factories import Clinic, add_patient
from tests.services.assessment import CLEAN, actor_for

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
MONDAY = date(2026, 3, 9)
ESKETAMINE = "esketamine_nasal"


def esketamine_order(patient_id: int, site_id: int, **changes: object) -> CourseOrder:
    values: dict[str, object] = {
        "patient_id": patient_id,
        "protocol_code": ESKETAMINE,
        "site_id": site_id,
        "start_on": MONDAY,
        "dose": Decimal("56"),
    }
    values.update(changes)
    return CourseOrder(**values)  # type: ignore[arg-type]


def order_course(
    sessions: sessionmaker[Session], clinic: Clinic, patient_id: int, **changes: object
) -> int:
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        order = esketamine_order(patient_id, clinic.north_site_id, **changes)
        proposal = propose(db, prescriber, order)
        return courses.create_course(db, prescriber, order, proposal.slots).id


def live_treatments(db: Session, course_id: int) -> list[Appointment]:
    return [a for a in courses.treatments_of(db, course_id) if a.status != "cancelled"]


def overlapping_in_one_chair(rows: Iterable[Appointment]) -> list[tuple[int, int]]:
    return [
        (a.id, b.id)
        for a, b in combinations(rows, 2)
        if a.location_id == b.location_id and a.starts_at < b.ends_at and b.starts_at < a.ends_at
    ]


def test_an_esketamine_course_from_a_monday_books_the_labels_twice_weekly_induction(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db:
        rows = live_treatments(db, course_id)
        course = db.get(Course, course_id)
        assert course is not None
    days = [a.starts_at.date() for a in rows]
    assert [d.strftime("%a") for d in days] == ["Mon", "Thu"] * 4
    assert days[0] == MONDAY
    assert days[-1] == MONDAY + timedelta(weeks=3, days=3)
    assert {a.course_phase for a in rows} == {CoursePhase.INDUCTION}
    assert (course.status, course.phase, course.treatments_planned) == ("active", "induction", 8)
    # check-in, two devices 5 minutes apart (56 mg), then at least 2 hours' observation (§3.3-3.5)
    assert {a.ends_at - a.starts_at for a in rows} == {timedelta(minutes=15 + 5 + 120)}


def test_every_booked_treatment_is_audited_and_gets_an_invitation_and_a_reminder(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db:
        ids = {a.id for a in live_treatments(db, course_id)}
        events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "appointment")).all()
        jobs = db.scalars(select(Job)).all()
    assert {int(e.entity_id) for e in events if e.action == "create"} == ids
    subjects = {(j.subject, j.kind) for j in jobs}
    assert {s for s, _ in subjects} == {f"appointment:{i}" for i in ids}
    assert len(jobs) == 2 * len(ids)


def test_courses_competing_for_the_chairs_never_double_book_one(sessions, clinic: Clinic):
    for n in range(3):
        patient = add_patient(sessions, clinic.north_site_id, mrn=f"MRN-C{n}")
        order_course(sessions, clinic, patient.id)
    with sessions() as db:
        rows = db.scalars(select(Appointment)).all()
    assert len(rows) == 24
    assert overlapping_in_one_chair(rows) == []


def test_a_proposal_confirmed_after_its_chair_was_taken_is_refused_and_nothing_is_stored(
    sessions, clinic: Clinic
):
    first = add_patient(sessions, clinic.north_site_id, mrn="MRN-A")
    second = add_patient(sessions, clinic.north_site_id, mrn="MRN-B")
    with sessions() as db:
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        stale = propose(db, prescriber, esketamine_order(second.id, clinic.north_site_id))
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        order = esketamine_order(first.id, clinic.north_site_id)
        courses.create_course(db, prescriber, order, stale.slots)
        fresh = propose(db, prescriber, esketamine_order(second.id, clinic.north_site_id))
        assert not set(fresh.slots) & set(stale.slots)  # a new proposal avoids what is booked
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        count = db.scalar(select(func.count(Course.id)))
        order = esketamine_order(second.id, clinic.north_site_id)
        with pytest.raises(Conflict, match="Treatment 1"):
            courses.create_course(db, prescriber, order, stale.slots)
    with sessions() as db:
        assert db.scalar(select(func.count(Course.id))) == count


def test_a_move_that_comes_too_close_to_the_next_treatment_carries_it_along(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        desk = actor_for(db, clinic.users[Role.FRONT_DESK], NOW)
        first, second, third = live_treatments(db, course_id)[:3]
        wednesday = first.starts_at + timedelta(days=2)
        moved = course_changes.move_treatment(db, desk, first.id, wednesday, first.location_id)
        assert [a.id for a in moved.shifted] == [second.id]
        assert second.revision == 1
        assert moved.moved.revision == 1
    with sessions() as db:
        starts = [a.starts_at for a in live_treatments(db, course_id)]
    assert all(later - earlier >= timedelta(hours=48) for earlier, later in pairwise(starts))
    assert starts[2] == third.starts_at  # far enough already: left where it was


def test_a_move_closer_than_the_minimum_interval_to_the_previous_treatment_is_refused(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], NOW)
        first, second = live_treatments(db, course_id)[:2]
        was = second.starts_at
        too_soon = first.starts_at + timedelta(days=1)
        with pytest.raises(Conflict, match="48"):
            course_changes.move_treatment(db, nurse, second.id, too_soon, second.location_id)
        assert second.starts_at == was


def test_a_move_the_rest_of_the_course_cannot_follow_is_refused_with_the_reason(
    sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        rows = live_treatments(db, course_id)
        # the site closes for the 10 days after the third treatment: nothing later can move there
        for offset in range(1, 11):
            db.add(
                SiteClosure(
                    site_id=clinic.north_site_id,
                    closed_on=rows[2].starts_at.date() + timedelta(days=offset),
                    reason="Refurbishment",
                )
            )
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], NOW)
        rows = live_treatments(db, course_id)
        later = rows[2].starts_at + timedelta(days=1)
        before = [(a.id, a.starts_at) for a in rows]
        with pytest.raises(Conflict, match="Cannot move the treatment"):
            course_changes.move_treatment(db, nurse, rows[2].id, later, rows[2].location_id)
        assert [(a.id, a.starts_at) for a in live_treatments(db, course_id)] == before


def test_a_cancelled_treatment_gets_a_make_up_after_the_last_one(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], NOW)
        rows = live_treatments(db, course_id)
        done = course_changes.cancel_treatment(db, nurse, rows[1].id, "Patient unwell")
        assert done.cancelled.status == AppointmentStatus.CANCELLED
        assert done.make_up is not None
        assert done.make_up_refused == ""
        assert done.make_up.starts_at - rows[-1].starts_at >= timedelta(hours=48)
    with sessions() as db:
        assert len(live_treatments(db, course_id)) == 8


def test_cancelling_needs_a_reason(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], NOW)
        first = live_treatments(db, course_id)[0]
        with pytest.raises(ValidationFailed):
            course_changes.cancel_treatment(db, nurse, first.id, "  ")


def test_only_a_prescriber_orders_a_course(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db:
        for role in (Role.NURSE, Role.ADMIN, Role.FRONT_DESK):
            actor = actor_for(db, clinic.users[role], NOW)
            with pytest.raises(PermissionDenied):
                propose(db, actor, esketamine_order(patient.id, clinic.north_site_id))


def test_a_dose_the_label_does_not_list_is_refused(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db:
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        order = esketamine_order(patient.id, clinic.north_site_id, dose=Decimal("70"))
        with pytest.raises(ValidationFailed, match="56 or 84"):
            propose(db, prescriber, order)


def test_a_protocol_the_clinic_has_not_finished_setting_cannot_be_ordered(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db:
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        order = esketamine_order(
            patient.id,
            clinic.north_site_id,
            protocol_code="iv_ketamine_depression",
            dose=Decimal("0.5"),
        )
        with pytest.raises(Conflict, match="observation time"):
            propose(db, prescriber, order)


def test_the_end_of_induction_review_then_books_weekly_maintenance(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        course = db.get(Course, course_id)
        assert course is not None
        rows = live_treatments(db, course_id)
        during = actor_for(db, clinic.users[Role.PRESCRIBER], rows[3].starts_at)
        assert not course_changes.maintenance_due(course, rows, during.at)
        with pytest.raises(Conflict):
            course_changes.decide_maintenance(db, during, course_id, "continue", "", "")
        after = actor_for(db, clinic.users[Role.PRESCRIBER], rows[-1].ends_at)
        assert course_changes.maintenance_due(course, rows, after.at)
        course_changes.decide_maintenance(
            db, after, course_id, "continue", "madrs: response", "Good response"
        )
        order = course_changes.maintenance_order(
            course, ESKETAMINE, MONDAY + timedelta(weeks=4), 4, None, None
        )
        proposal = course_changes.propose_maintenance(db, after, course, order)
        days = [s.starts_at.date() for s in proposal.slots]
        assert days == [MONDAY + timedelta(weeks=w) for w in range(4, 8)]  # weeks 5-8 weekly
        course_changes.book_maintenance(db, after, course, order, list(proposal.slots))
        assert (course.phase, course.treatments_planned) == ("maintenance", 12)
        assert course.status == CourseStatus.ACTIVE


def test_stopping_at_the_review_completes_the_course(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    course_id = order_course(sessions, clinic, patient.id)
    with sessions() as db, db.begin():
        last = live_treatments(db, course_id)[-1]
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], last.ends_at)
        course = course_changes.decide_maintenance(
            db, prescriber, course_id, "stop", "madrs: none", "No benefit"
        )
        assert (course.status, course.maintenance_outcome) == ("completed", "madrs: none")
        order = course_changes.maintenance_order(course, ESKETAMINE, MONDAY, 2, None, None)
        with pytest.raises(Conflict):
            course_changes.propose_maintenance(db, prescriber, course, order)


def test_a_proposal_says_what_the_assessment_still_lacks(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db:
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        proposal = propose(db, prescriber, esketamine_order(patient.id, clinic.north_site_id))
    assert any("No current eligibility decision" in w for w in proposal.warnings)
    assert any("Consent for this protocol is not signed" in w for w in proposal.warnings)


def test_a_signed_not_eligible_decision_refuses_the_order(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        intake.complete(db, prescriber, patient.id, CLEAN)
        eligibility.sign_decision(
            db, prescriber, patient.id, ESKETAMINE, "not_eligible", "Uncontrolled hypertension."
        )
    with sessions() as db:
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], NOW)
        with pytest.raises(Conflict, match="not eligible"):
            propose(db, prescriber, esketamine_order(patient.id, clinic.north_site_id))
