"""A site's week for the calendar: Monday to Sunday on the site's own clock, chairs as columns,
closed days, and one audited read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import LocationKind, Role
from ketacare.core.errors import PermissionDenied
from ketacare.db.models import AuditEvent, Site, SiteClosure, SiteOpeningHours
from ketacare.services import appointments, staff
from ketacare.services.clinic import add_location
from ketacare.services.context import Actor
from tests.factories import SEEDED_AT, Clinic, add_patient
from tests.web.test_today import chair

SYSTEM = Actor(None, SEEDED_AT)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def actor_for(db: Session, email: str) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), SEEDED_AT)


def book_at(
    sessions: sessionmaker[Session],
    patient_id: int,
    location_id: int | None,
    starts_at: datetime,
    minutes: int = 30,
) -> int:
    """Book through the service, as the desk would; returns the appointment id."""
    booking = appointments.Booking(
        patient_id, location_id, starts_at, starts_at + timedelta(minutes=minutes), "treatment"
    )
    with sessions() as db, db.begin():
        return appointments.book(db, SYSTEM, booking).id


def set_timezone(sessions: sessionmaker[Session], site_id: int, zone: str) -> None:
    with sessions() as db, db.begin():
        site = db.get(Site, site_id)
        assert site is not None
        site.timezone = zone


def set_opening(
    sessions: sessionmaker[Session], site_id: int, weekdays: range | tuple[int, ...]
) -> None:
    """Replace the site's opening hours with 08:00-18:00 on ``weekdays``."""
    with sessions() as db, db.begin():
        db.execute(delete(SiteOpeningHours).where(SiteOpeningHours.site_id == site_id))
        for weekday in weekdays:
            db.add(
                SiteOpeningHours(
                    site_id=site_id, weekday=weekday, opens_at=time(8), closes_at=time(18)
                )
            )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_week_is_the_seven_days_from_the_monday_on_or_before_the_day(day: date):
    days = appointments.week_days(day)
    assert day in days
    assert days[0].weekday() == 0
    assert [b - a for a, b in pairwise(days)] == [timedelta(days=1)] * 6


# (site zone, a day of the week, its Monday 00:00 and the next Monday 00:00 as UTC instants)
WEEKS = [
    ("UTC", date(2026, 3, 4), utc(2026, 3, 2), utc(2026, 3, 9)),
    # The clocks go forward on Sunday 29 March 2026: the week is 167 hours long.
    ("Europe/London", date(2026, 3, 29), utc(2026, 3, 23), utc(2026, 3, 29, 23)),
    # They go back on Sunday 25 October 2026: 169 hours, starting the evening before in UTC.
    ("Europe/London", date(2026, 10, 19), utc(2026, 10, 18, 23), utc(2026, 10, 26)),
    # New York springs forward on Sunday 8 March 2026, from EST (UTC-5) to EDT (UTC-4).
    ("America/New_York", date(2026, 3, 5), utc(2026, 3, 2, 5), utc(2026, 3, 9, 4)),
]


@pytest.mark.parametrize(("zone", "day", "starts", "ends"), WEEKS)
def test_a_week_holds_what_starts_from_its_monday_to_its_sunday_midnight_on_the_sites_clock(
    sessions, clinic: Clinic, zone: str, day: date, starts: datetime, ends: datetime
):
    set_timezone(sessions, clinic.north_site_id, zone)
    ada = add_patient(sessions, clinic.north_site_id)
    chair_1 = chair(sessions, clinic.north_site_id, "Chair 1")
    minute = timedelta(minutes=1)
    booked = {
        at: book_at(sessions, ada.id, chair_1, at)
        for at in (starts - minute, starts, ends - minute, ends)
    }
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, SYSTEM, clinic.north_site_id, day)
    monday, sunday = week.days[0], week.days[-1]
    assert [r.appointment.id for r in week.cells[(monday, chair_1)]] == [booked[starts]]
    assert [r.appointment.id for r in week.cells[(sunday, chair_1)]] == [booked[ends - minute]]
    assert week.count == 2


def test_reading_a_week_records_one_view_naming_each_patient_shown(sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    grace = add_patient(sessions, clinic.north_site_id, mrn="MRN-2", given_name="Grace")
    chair_1 = chair(sessions, clinic.north_site_id, "Chair 1")
    for patient, day in ((grace, 2), (ada, 3), (grace, 4)):
        book_at(sessions, patient.id, chair_1, utc(2026, 3, day, 9))
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        appointments.week_at_site(db, nurse, clinic.north_site_id, date(2026, 3, 8))
        appointments.week_at_site(db, nurse, clinic.north_site_id, date(2026, 3, 9))
    with sessions() as db:
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(e.entity, e.entity_id, e.site_id) for e in views] == [
        ("appointment_week", str(clinic.north_site_id), clinic.north_site_id)
    ]
    assert json.loads(views[0].detail) == {
        "from": "2026-03-02",
        "to": "2026-03-08",
        "patient_ids": sorted([ada.id, grace.id]),
    }
    assert views[0].patient_id is None


def test_the_chairs_are_the_columns_and_rooms_or_no_location_share_one_more(
    sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        north = db.get(Site, clinic.north_site_id)
        assert north is not None
        room = add_location(db, SYSTEM, north, "Consulting room", LocationKind.ROOM).id
        retired = add_location(db, SYSTEM, north, "Chair 0", LocationKind.CHAIR)
        retired.active = False
        retired_id = retired.id
    ada = add_patient(sessions, clinic.north_site_id)
    chair_2 = chair(sessions, clinic.north_site_id, "Chair 2")
    in_chair = book_at(sessions, ada.id, chair_2, utc(2026, 3, 3, 9))
    elsewhere = [
        book_at(sessions, ada.id, where, utc(2026, 3, 3, h))
        for where, h in ((room, 10), (None, 11), (retired_id, 12))
    ]
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, SYSTEM, clinic.north_site_id, date(2026, 3, 3))
        assert [c.name for c in week.chairs] == ["Chair 1", "Chair 2"]
        tuesday = date(2026, 3, 3)
        assert [r.appointment.id for r in week.cells[(tuesday, chair_2)]] == [in_chair]
        assert [r.appointment.id for r in week.cells[(tuesday, None)]] == elsewhere
        assert week.has_other


def test_a_week_with_every_appointment_in_a_chair_has_no_other_column(sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    book_at(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), utc(2026, 3, 3, 9))
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, SYSTEM, clinic.north_site_id, date(2026, 3, 3))
    assert not week.has_other


def test_weekdays_without_opening_hours_and_closures_are_closed_with_their_reason(
    sessions, clinic: Clinic
):
    set_opening(sessions, clinic.north_site_id, range(5))
    with sessions() as db, db.begin():
        db.add(
            SiteClosure(
                site_id=clinic.north_site_id, closed_on=date(2026, 3, 4), reason="Staff training"
            )
        )
        db.add(
            SiteClosure(site_id=clinic.north_site_id, closed_on=date(2026, 3, 11), reason="Later")
        )
        db.add(
            SiteClosure(site_id=clinic.south_site_id, closed_on=date(2026, 3, 5), reason="South")
        )
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, SYSTEM, clinic.north_site_id, date(2026, 3, 2))
    assert week.closed == {
        date(2026, 3, 4): "Staff training",
        date(2026, 3, 7): "Closed",
        date(2026, 3, 8): "Closed",
    }


def test_a_site_without_any_opening_hours_shows_no_day_closed(sessions, clinic: Clinic):
    set_opening(sessions, clinic.north_site_id, ())
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, SYSTEM, clinic.north_site_id, date(2026, 3, 2))
    assert week.closed == {}


def test_without_a_day_the_week_is_the_sites_current_one(sessions, clinic: Clinic):
    set_timezone(sessions, clinic.north_site_id, "Pacific/Auckland")
    late_sunday_utc = Actor(None, utc(2026, 3, 8, 20))  # already Monday 9 March in Auckland
    with sessions() as db, db.begin():
        week = appointments.week_at_site(db, late_sunday_utc, clinic.north_site_id)
    assert week.days[0] == date(2026, 3, 9)


def test_a_nurse_may_not_read_a_week_at_a_site_she_does_not_work_at(sessions, clinic: Clinic):
    ada = add_patient(sessions, clinic.north_site_id)
    book_at(sessions, ada.id, chair(sessions, clinic.north_site_id, "Chair 1"), utc(2026, 3, 3, 9))
    with sessions() as db, db.begin():
        south_nurse = actor_for(db, clinic.south_nurse_email)
        with pytest.raises(PermissionDenied):
            appointments.week_at_site(db, south_nurse, clinic.north_site_id, date(2026, 3, 3))
    with sessions() as db:
        assert db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all() == []
