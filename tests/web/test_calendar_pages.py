"""The calendar page: one site's week with a row per day and a column per chair."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Course, ProtocolVersion, SiteClosure
from ketacare.services import appointments, staff
from tests.factories import SEEDED_AT, Clinic, add_patient
from tests.services.test_appointment_weeks import (
    SYSTEM,
    book_at,
    set_opening,
    set_timezone,
    utc,
)
from tests.web.test_today import chair

WEDNESDAY = date(2026, 3, 4)


def columns(html: str) -> list[str]:
    """The table's column headings, left to right."""
    head = html[html.index("<thead>") : html.index("</thead>")]
    return re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)


def row_of(html: str, on: date) -> str:
    """The HTML of the table row of day ``on``."""
    start = html.index(f'<tr id="day-{on.isoformat()}"')
    return html[start : html.index("</tr>", start)]


def cells(html: str, on: date) -> list[str]:
    """The HTML of each chair cell in the row of day ``on``, left to right."""
    return row_of(html, on).split("<td>")[1:]


def course_for(sessions: sessionmaker[Session], clinic: Clinic, patient_id: int) -> int:
    """A bare course row: the calendar only links to it."""
    with sessions() as db, db.begin():
        version = ProtocolVersion(
            organization_id=clinic.organization_id,
            code="racemic_iv",
            version=1,
            name="Racemic ketamine IV",
            based_on_code="racemic_iv",
            body="{}",
            created_at=SEEDED_AT,
        )
        db.add(version)
        db.flush()
        course = Course(
            organization_id=clinic.organization_id,
            patient_id=patient_id,
            site_id=clinic.north_site_id,
            protocol_version_id=version.id,
            status="active",
            phase="induction",
            dose=Decimal("0.5"),
            dose_unit="mg/kg",
            treatments_planned=6,
            start_on=WEDNESDAY,
            preferred_time=time(9),
            ordered_by_id=staff.by_email(db, clinic.users[Role.PRESCRIBER]).id,
            ordered_at=SEEDED_AT,
        )
        db.add(course)
        db.flush()
        return course.id


def test_each_chair_is_a_column_and_an_appointment_sits_in_its_days_row_and_chair(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    book_at(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 2"), utc(2026, 3, 4, 9))
    page = client_for(Role.NURSE).get("/calendar", params={"week": WEDNESDAY.isoformat()})
    assert page.status_code == 200
    assert columns(page.text) == ["Day", "Chair 1", "Chair 2"]
    chair_1, chair_2 = cells(page.text, WEDNESDAY)
    assert "Lovelace, Ada" in chair_2
    assert f'href="/patients/{ada.id}"' in chair_2
    assert "09:00\N{EN DASH}09:30" in chair_2
    assert "Lovelace" not in chair_1
    assert all("Lovelace" not in c for c in cells(page.text, date(2026, 3, 5)))
    assert "Rooms / no chair" not in page.text


def test_times_are_the_sites_own_and_a_booking_without_a_chair_gets_its_own_column(
    client_for, sessions, clinic: Clinic
):
    set_timezone(sessions, clinic.north_site_id, "America/New_York")
    ada = add_patient(sessions, clinic.north_site_id)
    book_at(sessions, ada.id, None, utc(2026, 3, 5, 2))  # 21:00 on Wednesday in New York
    page = client_for(Role.NURSE).get("/calendar", params={"week": WEDNESDAY.isoformat()})
    assert columns(page.text) == ["Day", "Chair 1", "Chair 2", "Rooms / no chair"]
    *_, other = cells(page.text, WEDNESDAY)
    assert "21:00\N{EN DASH}21:30" in other
    assert "America/New_York" in page.text


def test_a_course_treatment_shows_its_phase_linking_to_the_course_and_cancelled_is_struck(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    course_id = course_for(sessions, clinic, ada.id)
    appointment_id = book_at(
        sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), utc(2026, 3, 4, 9)
    )
    with sessions() as db, db.begin():
        row = appointments.set_status(db, SYSTEM, appointment_id, "cancelled")
        row.course_id, row.course_phase = course_id, "induction"
    page = client_for(Role.NURSE).get("/calendar", params={"week": WEDNESDAY.isoformat()})
    chair_1 = cells(page.text, WEDNESDAY)[0]
    assert f'<a href="/courses/{course_id}">induction</a>' in chair_1
    assert 'class="cal-slot status-cancelled"' in chair_1
    assert ">cancelled</span>" in chair_1


def test_previous_and_next_link_to_the_neighbouring_weeks_of_the_same_site(
    client_for, clinic: Clinic
):
    page = client_for(Role.NURSE).get(
        "/calendar", params={"site": clinic.north_site_id, "week": WEDNESDAY.isoformat()}
    )
    site = clinic.north_site_id
    assert f'href="/calendar?site={site}&amp;week=2026-02-23" rel="prev"' in page.text
    assert f'href="/calendar?site={site}&amp;week=2026-03-09" rel="next"' in page.text
    assert '<tr id="day-2026-03-02"' in page.text
    assert '<tr id="day-2026-03-08"' in page.text
    assert "day-2026-03-09" not in page.text


def test_the_site_switcher_offers_only_the_viewers_sites(client_for, clinic: Clinic):
    def options(who: Role | str) -> list[str]:
        page = client_for(who).get("/calendar")
        return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page.text)

    assert options(Role.ADMIN) == ["North", "South"]
    assert options(Role.NURSE) == ["North"]
    assert options(clinic.south_nurse_email) == ["South"]


def test_without_a_site_the_viewers_first_site_is_shown_and_this_week(client_for, clinic: Clinic):
    page = client_for(clinic.south_nurse_email).get("/calendar")
    today = datetime.now(UTC).date()
    assert 'Calendar <span class="muted">· South</span>' in page.text
    assert re.search(f'<tr id="day-{today.isoformat()}" class="[^"]*\\btoday\\b', page.text)
    assert ">This week</a>" not in page.text


def test_another_week_offers_a_way_back_to_this_week(client_for, clinic: Clinic):
    page = client_for(Role.NURSE).get("/calendar", params={"week": "2020-01-01"})
    today = datetime.now(UTC).date()
    assert f'week={today.isoformat()}">This week</a>' in page.text


def test_a_site_the_viewer_does_not_work_at_is_refused(client_for, clinic: Clinic):
    page = client_for(clinic.south_nurse_email).get(
        "/calendar", params={"site": clinic.north_site_id}
    )
    assert page.status_code == 403
    assert client_for(Role.NURSE).get("/calendar", params={"site": 99999}).status_code == 403


def test_a_week_that_is_not_a_date_shows_this_week_with_a_notice(client_for):
    page = client_for(Role.NURSE).get("/calendar", params={"week": "next tuesday"})
    assert page.status_code == 200
    assert "That is not a date" in page.text


def test_closed_days_are_marked_with_their_reason(client_for, sessions, clinic: Clinic):
    set_opening(sessions, clinic.north_site_id, range(6))
    with sessions() as db, db.begin():
        db.add(SiteClosure(site_id=clinic.north_site_id, closed_on=WEDNESDAY, reason="Training"))
    page = client_for(Role.NURSE).get("/calendar", params={"week": WEDNESDAY.isoformat()})
    assert '<tr id="day-2026-03-08" class="closed">' in page.text
    assert '<span class="closed-reason">Closed</span>' in row_of(page.text, date(2026, 3, 8))
    assert '<span class="closed-reason">Training</span>' in row_of(page.text, WEDNESDAY)
    assert '<tr id="day-2026-03-07" class="">' in page.text


def test_a_researcher_may_not_open_the_calendar_and_a_stranger_is_sent_to_sign_in(
    client_for, app_client
):
    assert client_for(Role.RESEARCHER).get("/calendar").status_code == 403
    anonymous = app_client.get("/calendar")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?next=/calendar"
