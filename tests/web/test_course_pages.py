"""Course pages: the prescriber's order form, the editable proposal, booking, the course timeline
with moves and cancels, and the end-of-induction review that books maintenance."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, Course
from ketacare.services import courses
from ketacare.services.course_planning import CourseOrder, propose
from tests.factories import Clinic, add_patient
from tests.services.assessment import actor_for


def next_monday() -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 - today.weekday())


def order_form(site_id: int, start: date, **changes: str) -> dict[str, str]:
    return {
        "protocol": "esketamine_nasal",
        "site_id": str(site_id),
        "start_on": start.isoformat(),
        "dose": "56",
        **changes,
    }


def proposal_rows(html: str) -> dict[str, str]:
    """The hidden and visible inputs of a proposal page, as a form would post them."""
    found = re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', html)
    chosen = re.findall(r'name="(slot-\d+-chair)">\s*<option value="(\d+)" selected', html)
    return dict(found) | dict(chosen)


def test_the_order_form_lists_protocols_and_marks_those_the_clinic_must_finish(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.PRESCRIBER).get(f"/patients/{ada.id}/courses/new")
    assert page.status_code == 200
    assert "Esketamine nasal spray" in page.text
    assert re.search(r"disabled[^>]*>\s*IV ketamine for depression.*must set", page.text, re.S)


def test_only_prescribers_may_open_the_order_form(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    for role in (Role.NURSE, Role.ADMIN, Role.FRONT_DESK):
        page = client_for(role).get(f"/patients/{ada.id}/courses/new")
        assert page.status_code == 403, role


def test_a_proposal_shows_every_treatment_and_booking_it_makes_the_course(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    prescriber = client_for(Role.PRESCRIBER)
    start = next_monday()
    page = prescriber.post_form(
        f"/patients/{ada.id}/courses/propose", order_form(clinic.north_site_id, start)
    )
    assert page.status_code == 200
    assert page.text.count('type="date" name="slot-') == 8
    with sessions() as db:
        assert db.scalars(select(Course)).all() == []  # a proposal stores nothing
    booked = prescriber.post_form(f"/patients/{ada.id}/courses", proposal_rows(page.text))
    assert booked.status_code == 303
    course_url = booked.headers["location"].split("?")[0]
    shown = prescriber.get(course_url)
    assert shown.status_code == 200
    assert shown.text.count('class="treatment status-booked') == 8
    assert "Esketamine nasal spray (SPRAVATO), version 1" in shown.text


def test_a_confirmation_whose_chair_was_taken_meanwhile_redraws_the_proposal_with_the_reason(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    grace = add_patient(sessions, clinic.north_site_id, mrn="MRN-0002", family_name="Hopper")
    prescriber = client_for(Role.PRESCRIBER)
    start = next_monday()
    page = prescriber.post_form(
        f"/patients/{ada.id}/courses/propose", order_form(clinic.north_site_id, start)
    )
    form = proposal_rows(page.text)
    assert prescriber.post_form(f"/patients/{grace.id}/courses", form).status_code == 303
    refused = prescriber.post_form(f"/patients/{ada.id}/courses", form)
    assert refused.status_code == 409
    assert "Treatment 1" in refused.text
    assert 'name="slot-7-on"' in refused.text  # the rows as typed, ready to change


def test_a_past_first_day_is_refused_on_the_form(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    page = client_for(Role.PRESCRIBER).post_form(
        f"/patients/{ada.id}/courses/propose",
        order_form(clinic.north_site_id, date(2020, 1, 6)),
    )
    assert page.status_code == 422
    assert "cannot be in the past" in page.text


def book_course(
    sessions: sessionmaker[Session], clinic: Clinic, patient_id: int, at: datetime, first: date
) -> int:
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], at)
        order = CourseOrder(
            patient_id, "esketamine_nasal", clinic.north_site_id, first, Decimal(56)
        )
        return courses.create_course(db, prescriber, order, propose(db, prescriber, order).slots).id


def test_the_front_desk_moves_a_treatment_from_the_course_page(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    start = next_monday()
    course_id = book_course(sessions, clinic, ada.id, datetime.now(UTC), start)
    with sessions() as db:
        first = courses.treatments_of(db, course_id)[0]
    desk = client_for(Role.FRONT_DESK)
    moved = desk.post_form(
        f"/courses/{course_id}/treatments/{first.id}/move",
        {"on": start.isoformat(), "at": "13:00", "location_id": str(first.location_id)},
    )
    assert moved.status_code == 303
    with sessions() as db:
        row = db.get(Appointment, first.id)
        assert row is not None
        assert (row.starts_at.hour, row.revision) == (13, 1)
    assert "Treatment moved" in desk.get(moved.headers["location"]).text


def test_a_refused_move_shows_why_and_changes_nothing(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    start = next_monday()
    course_id = book_course(sessions, clinic, ada.id, datetime.now(UTC), start)
    with sessions() as db:
        second = courses.treatments_of(db, course_id)[1]
        was = second.starts_at
    nurse = client_for(Role.NURSE)
    refused = nurse.post_form(
        f"/courses/{course_id}/treatments/{second.id}/move",
        {"on": start.isoformat(), "at": "17:00", "location_id": str(second.location_id)},
    )
    assert refused.status_code == 409
    assert "Cannot move the treatment" in refused.text
    with sessions() as db:
        assert db.get(Appointment, second.id).starts_at == was  # type: ignore[union-attr]


def test_cancelling_from_the_page_books_a_make_up(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    course_id = book_course(sessions, clinic, ada.id, datetime.now(UTC), next_monday())
    with sessions() as db:
        first = courses.treatments_of(db, course_id)[0]
    done = client_for(Role.NURSE).post_form(
        f"/courses/{course_id}/treatments/{first.id}/cancel",
        {"reason": "Car broke down", "make_up": "yes"},
    )
    assert done.status_code == 303
    assert "make_up=" in done.headers["location"]
    with sessions() as db:
        statuses = [a.status for a in courses.treatments_of(db, course_id)]
    assert (statuses.count("cancelled"), statuses.count("booked")) == (1, 8)


def test_after_induction_the_prescriber_decides_and_books_maintenance(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    today = datetime.now(UTC).date()
    first = today - timedelta(days=today.weekday(), weeks=6)  # a Monday six weeks ago
    course_id = book_course(
        sessions, clinic, ada.id, datetime.combine(first, datetime.min.time(), UTC), first
    )
    prescriber = client_for(Role.PRESCRIBER)
    page = prescriber.get(f"/courses/{course_id}")
    assert "The induction phase is over" in page.text
    decided = prescriber.post_form(
        f"/courses/{course_id}/maintenance", {"decision": "continue", "note": "Responding"}
    )
    assert decided.status_code == 303
    start = next_monday()
    maintenance = {"start_on": start.isoformat(), "treatments": "2"}
    proposed = prescriber.post_form(f"/courses/{course_id}/maintenance/propose", maintenance)
    assert proposed.status_code == 200
    assert proposed.text.count('type="date" name="slot-') == 2
    booked = prescriber.post_form(
        f"/courses/{course_id}/maintenance/book", proposal_rows(proposed.text)
    )
    assert booked.status_code == 303
    with sessions() as db:
        course = db.get(Course, course_id)
        assert course is not None
        assert (course.phase, course.maintenance_decision) == ("maintenance", "continue")
        phases = [a.course_phase for a in courses.treatments_of(db, course_id)]
    assert phases.count("maintenance") == 2


def test_the_chart_lists_the_patients_courses(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    course_id = book_course(sessions, clinic, ada.id, datetime.now(UTC), next_monday())
    chart = client_for(Role.NURSE).get(f"/patients/{ada.id}")
    assert f'href="/courses/{course_id}"' in chart.text
    assert "Order a course" not in chart.text  # a nurse does not order
