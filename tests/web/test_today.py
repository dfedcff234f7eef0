"""The Today page: each site's day chair by chair, other days by date, and status buttons."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.db.models import Appointment, AuditEvent, Location
from ketacare.services import appointments
from ketacare.services.context import Actor
from tests.factories import Clinic, add_patient

TODAY = datetime.now(UTC).date()


def chair(sessions: sessionmaker[Session], site_id: int, name: str) -> int:
    with sessions() as db:
        return db.scalars(
            select(Location.id).where(Location.site_id == site_id, Location.name == name)
        ).one()


def book(
    sessions: sessionmaker[Session], patient_id: int, location_id: int, on: date, hour: int
) -> int:
    start = datetime(on.year, on.month, on.day, hour, tzinfo=UTC)
    booking = appointments.Booking(
        patient_id, location_id, start, start + timedelta(hours=2), "treatment"
    )
    with sessions() as db, db.begin():
        return appointments.book(db, Actor(None, start), booking).id


def section(html: str, heading: str) -> str:
    """The HTML of one chair's card, from its heading to the next card."""
    start = html.index(f"<h3>{heading}</h3>")
    end = html.find('<article class="chair">', start)
    return html[start : end if end != -1 else len(html)]


def test_today_lists_each_chairs_appointments_under_that_chair(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    grace = add_patient(
        sessions, clinic.north_site_id, mrn="MRN-2", given_name="Grace", family_name="Hopper"
    )
    book(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), TODAY, 9)
    book(sessions, grace.id, chair(sessions, clinic.north_site_id, "Chair 2"), TODAY, 10)
    page = client_for(Role.NURSE).get("/")
    assert page.status_code == 200
    assert "Lovelace, Ada" in section(page.text, "Chair 1")
    assert "Hopper" not in section(page.text, "Chair 1")
    assert "Hopper, Grace" in section(page.text, "Chair 2")
    assert f'href="/patients/{ada.id}"' in page.text
    assert 'aria-current="page"' in page.text


def test_another_day_is_shown_by_date_and_today_then_reads_empty(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    next_week = TODAY + timedelta(days=7)
    book(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), next_week, 9)
    nurse = client_for(Role.NURSE)
    assert "Nothing is booked at North" in nurse.get("/").text
    later = nurse.get("/", params={"on": next_week.isoformat()})
    assert "Lovelace, Ada" in later.text
    assert f'value="{next_week.isoformat()}"' in later.text


def test_the_day_shows_only_sites_the_viewer_works_at(client_for, sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    book(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), TODAY, 9)
    page = client_for(clinic.south_nurse_email).get("/")
    assert "Lovelace" not in page.text
    assert "Nothing is booked at South" in page.text
    assert ">North" not in page.text


def test_marking_arrived_then_completed_changes_the_status_and_is_audited(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    appointment_id = book(
        sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), TODAY, 9
    )
    desk = client_for(Role.FRONT_DESK)
    form = {"status": "arrived", "on": TODAY.isoformat()}
    marked = desk.post_form(f"/appointments/{appointment_id}/status", form)
    assert marked.status_code == 303
    assert marked.headers["location"] == f"/?on={TODAY.isoformat()}"
    page = desk.get(marked.headers["location"]).text
    assert re.search(r'class="badge badge-arrived">arrived<', page)
    assert "Completed</button>" in page
    desk.post_form(f"/appointments/{appointment_id}/status", {"status": "completed"})
    with sessions() as db:
        assert db.get(Appointment, appointment_id).status == "completed"
        changes = db.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.entity == "appointment", AuditEvent.action == "update"
            )
        ).all()
        assert changes == ['{"status": "arrived"}', '{"status": "completed"}']


def test_a_therapist_sees_the_day_but_has_no_status_buttons_and_may_not_post_one(
    client_for, sessions, clinic: Clinic
):
    ada = add_patient(sessions, clinic.north_site_id)
    appointment_id = book(
        sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), TODAY, 9
    )
    therapist = client_for(Role.THERAPIST)
    page = therapist.get("/").text
    assert "Lovelace, Ada" in page
    assert "Arrived</button>" not in page
    refused = therapist.post_form(f"/appointments/{appointment_id}/status", {"status": "arrived"})
    assert refused.status_code == 403
    with sessions() as db:
        assert db.get(Appointment, appointment_id).status == "booked"


def test_a_researcher_may_not_open_today(client_for):
    assert client_for(Role.RESEARCHER).get("/").status_code == 403
