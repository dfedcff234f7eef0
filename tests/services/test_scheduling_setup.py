"""Setting up what the scheduler books into (settings, opening hours, closed days, rota,
absences: admin only, checked, audited) and the ``SiteCalendar`` loaded from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind, AppointmentStatus, LocationKind, Role
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.core.scheduling.defaults import DEFAULT_SETTINGS
from ketacare.core.scheduling.model import Opening
from ketacare.db.models import Appointment, AuditEvent, Location, Site, StaffRota
from ketacare.services import appointments, clinic, rota, scheduling_setup, site_hours, staff
from ketacare.services.context import Actor
from tests.factories import CHAIRS_PER_NURSE, PASSWORD, WORKING_DAY, Clinic, add_patient

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
SYSTEM = Actor(None, NOW)
MONDAY, SUNDAY = date(2026, 3, 2), date(2026, 3, 8)


def actor_for(db: Session, email: str) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), NOW, "10.0.0.5")


def staff_id(db: Session, email: str) -> int:
    return staff.by_email(db, email).id


def audit_details(db: Session, entity: str) -> list[tuple[str, dict[str, object]]]:
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
    )
    return [(e.action, json.loads(e.detail)) for e in events]


def test_settings_are_the_defaults_until_the_organization_saves_its_own(sessions):
    with sessions() as db, db.begin():
        other = clinic.create_organization(db, SYSTEM, "Another Clinic")
        assert scheduling_setup.scheduling_settings(db, other.id) == DEFAULT_SETTINGS


def test_a_settings_change_is_stored_and_audited_with_before_and_after(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        values = {**asdict(DEFAULT_SETTINGS), "chairs_per_nurse": 3, "check_in_min": 30}
        scheduling_setup.update_settings(db, admin, clinic.organization_id, values)
    with sessions() as db:
        stored = scheduling_setup.scheduling_settings(db, clinic.organization_id)
        assert (stored.chairs_per_nurse, stored.check_in_min) == (3, 30)
        action, detail = audit_details(db, "scheduling_settings")[-1]
    assert action == "update"
    assert detail["before"] == {**asdict(DEFAULT_SETTINGS), "chairs_per_nurse": CHAIRS_PER_NURSE}
    assert detail["after"] == values


def test_refused_settings_name_their_field_and_store_nothing(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        values = {**asdict(DEFAULT_SETTINGS), "chairs_per_nurse": 0}
        with pytest.raises(ValidationFailed) as refused:
            scheduling_setup.update_settings(db, admin, clinic.organization_id, values)
        assert set(refused.value.by_field()) == {"chairs_per_nurse"}
        stored = scheduling_setup.scheduling_settings(db, clinic.organization_id)
        assert stored.chairs_per_nurse == CHAIRS_PER_NURSE


def test_only_an_admin_changes_what_the_scheduler_books_into(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE])
        north, nurse_id = clinic.north_site_id, staff_id(db, clinic.users[Role.NURSE])
        attempts = [
            lambda: scheduling_setup.update_settings(
                db, nurse, clinic.organization_id, asdict(DEFAULT_SETTINGS)
            ),
            lambda: site_hours.set_opening_hours(db, nurse, north, {}),
            lambda: site_hours.add_closure(db, nurse, north, MONDAY, "Holiday"),
            lambda: rota.add_rota_line(db, nurse, north, nurse_id, "nurse", 5, *WORKING_DAY),
            lambda: rota.add_absence(db, nurse, nurse_id, MONDAY, MONDAY),
        ]
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt()


def test_another_organizations_site_is_not_found(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        other = clinic_site(db, "Another Clinic")
        admin = actor_for(db, clinic.users[Role.ADMIN])
        with pytest.raises(NotFound):
            site_hours.set_opening_hours(db, admin, other.id, {})


def clinic_site(db: Session, name: str, timezone: str = "UTC") -> Site:
    org = clinic.create_organization(db, SYSTEM, name)
    return clinic.add_site(db, SYSTEM, org, "X", "Elsewhere", timezone)


def test_the_whole_week_is_replaced_and_audited(sessions, clinic: Clinic):
    saturday = (time(9), time(13))
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        site_hours.set_opening_hours(db, admin, clinic.north_site_id, {0: WORKING_DAY, 5: saturday})
    with sessions() as db:
        assert site_hours.opening_hours(db, clinic.north_site_id) == {
            0: Opening(*WORKING_DAY),
            5: Opening(*saturday),
        }
        _, detail = audit_details(db, "site_opening_hours")[-1]
    assert detail["before"]["1"] == "08:00-18:00"  # type: ignore[index]
    assert (detail["after"]["1"], detail["after"]["5"]) == ("closed", "09:00-13:00")  # type: ignore[index]


def test_a_day_already_closed_is_a_conflict_and_a_closure_can_be_removed(sessions, clinic: Clinic):
    christmas = date(2026, 12, 25)
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        closed = site_hours.add_closure(db, admin, clinic.north_site_id, christmas, "Christmas Day")
        with pytest.raises(Conflict) as twice:
            site_hours.add_closure(db, admin, clinic.north_site_id, christmas, "Again")
        assert twice.value.field == "closed_on"
        assert [c.reason for c in site_hours.closures(db, clinic.north_site_id, MONDAY)] == [
            "Christmas Day"
        ]
        site_hours.remove_closure(db, admin, closed.id)
        assert site_hours.closures(db, clinic.north_site_id, MONDAY) == []
        assert [a for a, _ in audit_details(db, "site_closure")] == ["create", "delete"]


def test_a_rota_line_for_a_role_the_user_does_not_hold_at_the_site_is_refused(
    sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        nurse_id = staff_id(db, clinic.users[Role.NURSE])
        for site_id, role in (
            (clinic.north_site_id, "prescriber"),
            (clinic.south_site_id, "nurse"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                rota.add_rota_line(db, admin, site_id, nurse_id, role, 5, *WORKING_DAY)
            assert "does not hold the" in refused.value.by_field()["role"]


def test_nobody_is_on_the_rota_at_two_sites_at_once(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        nurse = staff.by_email(db, clinic.users[Role.NURSE])
        both = [(clinic.north_site_id, Role.NURSE), (clinic.south_site_id, Role.NURSE)]
        staff.set_grants(db, admin, nurse, both)
        with pytest.raises(ValidationFailed) as refused:
            rota.add_rota_line(
                db, admin, clinic.south_site_id, nurse.id, "nurse", 0, time(12), time(14)
            )
        assert "Already on the rota Monday 08:00-18:00" in refused.value.by_field()["starts_at"]
        saturday = rota.add_rota_line(
            db, admin, clinic.south_site_id, nurse.id, "nurse", 5, time(9), time(13)
        )
        rota.remove_rota_line(db, admin, saturday.id)
        assert [a for a, _ in audit_details(db, "staff_rota")][-2:] == ["create", "delete"]


def test_an_absence_is_set_only_by_someone_managing_a_site_where_the_person_works(
    sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        south_admin = staff.add(
            db, SYSTEM, clinic.organization_id, "south.admin@clinic.test", "South Admin",
            PASSWORD, [(clinic.south_site_id, Role.ADMIN)],
        )  # fmt: skip
        actor = Actor(staff.principal_for(db, south_admin), NOW)
        north_nurse = staff_id(db, clinic.users[Role.NURSE])
        with pytest.raises(PermissionDenied):
            rota.add_absence(db, actor, north_nurse, MONDAY, MONDAY)
        south_nurse = staff_id(db, clinic.south_nurse_email)
        away = rota.add_absence(db, actor, south_nurse, MONDAY, SUNDAY, "Leave")
        assert [
            (a.full_name, a.note) for a in rota.absences(db, clinic.organization_id, MONDAY)
        ] == [("South Nurse", "Leave")]
        rota.remove_absence(db, actor, away.id)
        assert rota.absences(db, clinic.organization_id, MONDAY) == []
        assert [a for a, _ in audit_details(db, "staff_absence")] == ["create", "delete"]


# The calendar the scheduler reads.


def calendar(db: Session, site_id: int, first: date = MONDAY, last: date = SUNDAY, **kw):  # type: ignore[no-untyped-def]
    return scheduling_setup.site_calendar(db, site_id, first, last, **kw)


def duty_of(cal, staff_user_id: int) -> list[datetime]:  # type: ignore[no-untyped-def]
    return [d.starts_at for d in cal.on_duty if d.staff_user_id == staff_user_id]


def test_the_calendar_holds_the_sites_hours_chairs_settings_and_rota(sessions, clinic: Clinic):
    with sessions() as db:
        cal = calendar(db, clinic.north_site_id)
        chairs = db.scalars(
            select(Location.id)
            .where(Location.site_id == clinic.north_site_id)
            .order_by(Location.name)
        ).all()
        nurse_id = staff_id(db, clinic.users[Role.NURSE])
        prescriber_id = staff_id(db, clinic.users[Role.PRESCRIBER])
    assert cal.opening == dict.fromkeys(range(5), Opening(*WORKING_DAY))
    assert (cal.chair_ids, cal.bookings, cal.closed_on) == (tuple(chairs), (), {})
    assert (cal.chairs_per_nurse, cal.slot_step_min) == (CHAIRS_PER_NURSE, 15)
    weekdays = [datetime.combine(MONDAY + timedelta(days=n), WORKING_DAY[0], UTC) for n in range(5)]
    assert duty_of(cal, nurse_id) == duty_of(cal, prescriber_id) == weekdays
    assert {(d.role, d.ends_at.hour) for d in cal.on_duty} == {("nurse", 18), ("prescriber", 18)}


def test_rooms_and_inactive_chairs_are_not_offered(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        room = clinic_location(db, site, "Room 1", LocationKind.ROOM)
        retired = clinic_location(db, site, "Chair 0", LocationKind.CHAIR)
        retired.active = False
        cal = calendar(db, site.id)
        assert room.id not in cal.chair_ids
        assert retired.id not in cal.chair_ids
        assert len(cal.chair_ids) == 2


def clinic_location(db: Session, site: Site, name: str, kind: LocationKind) -> Location:
    return clinic.add_location(db, SYSTEM, site, name, kind)


def test_closed_days_come_from_the_range_asked_only(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        site_hours.add_closure(db, admin, clinic.north_site_id, date(2026, 3, 3), "Training day")
        site_hours.add_closure(db, admin, clinic.north_site_id, date(2026, 3, 20), "Later")
        assert calendar(db, clinic.north_site_id).closed_on == {date(2026, 3, 3): "Training day"}


def test_an_absent_person_is_off_duty_on_those_days_only(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        nurse_id = staff_id(db, clinic.users[Role.NURSE])
        rota.add_absence(db, admin, nurse_id, date(2026, 3, 3), date(2026, 3, 4), "Leave")
        rota.add_absence(db, admin, nurse_id, date(2026, 2, 1), date(2026, 3, 2), "Ends Monday")
        cal = calendar(db, clinic.north_site_id)
        assert [at.date() for at in duty_of(cal, nurse_id)] == [date(2026, 3, 5), date(2026, 3, 6)]
        assert len(duty_of(cal, staff_id(db, clinic.users[Role.PRESCRIBER]))) == 5


def test_disabled_accounts_and_roles_no_longer_held_are_not_on_duty(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN])
        nurse = staff.by_email(db, clinic.users[Role.NURSE])
        prescriber = staff.by_email(db, clinic.users[Role.PRESCRIBER])
        staff.set_active(db, admin, nurse, False)
        staff.set_grants(db, admin, prescriber, [(clinic.north_site_id, Role.THERAPIST)])
        assert calendar(db, clinic.north_site_id).on_duty == ()
        assert db.scalars(select(StaffRota).where(StaffRota.site_id == clinic.north_site_id)).all()


def test_on_duty_keeps_the_wall_clock_across_a_clock_change(sessions, clinic: Clinic):
    """US clocks go forward on Sunday 8 March 2026: 08:00 is 13:00 UTC on Friday, 12:00 UTC on
    Monday; the range's edges are the site's midnights (05:00 UTC, then 04:00 UTC)."""
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        site.timezone = "America/New_York"
        nurse_id = staff_id(db, clinic.users[Role.NURSE])
        cal = calendar(db, site.id, date(2026, 3, 6), date(2026, 3, 9))
        assert duty_of(cal, nurse_id) == [
            datetime(2026, 3, 6, 13, tzinfo=UTC),
            datetime(2026, 3, 9, 12, tzinfo=UTC),
        ]
        assert [d.ends_at for d in cal.on_duty if d.staff_user_id == nurse_id][-1] == datetime(
            2026, 3, 9, 22, tzinfo=UTC
        )


def book(
    db: Session, patient_id: int, chair_id: int, starts_at: datetime, minutes: int = 60
) -> int:
    booking = appointments.Booking(
        patient_id, chair_id, starts_at, starts_at + timedelta(minutes=minutes),
        AppointmentKind.TREATMENT.value,
    )  # fmt: skip
    return appointments.book(db, SYSTEM, booking).id


def test_bookings_overlapping_the_sites_days_are_those_at_the_edges_too(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        site.timezone = "America/New_York"
        chair = calendar(db, site.id).chair_ids[0]
        spans = {
            "ends as Friday begins": book(
                db, patient.id, chair, datetime(2026, 3, 6, 4, 0, tzinfo=UTC), 60
            ),
            "runs into Friday": book(
                db, patient.id, chair, datetime(2026, 3, 6, 4, 30, tzinfo=UTC), 60
            ),
            "late Monday": book(
                db, patient.id, chair, datetime(2026, 3, 10, 3, 30, tzinfo=UTC), 20
            ),
            "Tuesday": book(db, patient.id, chair, datetime(2026, 3, 10, 4, 0, tzinfo=UTC), 20),
        }
        cal = calendar(db, site.id, date(2026, 3, 6), date(2026, 3, 9))
        found = {b.appointment_id for b in cal.bookings}
    assert found == {spans["runs into Friday"], spans["late Monday"]}


def test_cancelled_no_show_ignored_and_room_bookings_do_not_hold_a_chair(sessions, clinic: Clinic):
    patient = add_patient(sessions, clinic.north_site_id)
    nine = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with sessions() as db, db.begin():
        site = db.get(Site, clinic.north_site_id)
        assert site is not None
        room = clinic_location(db, site, "Room 1", LocationKind.ROOM)
        first, second = calendar(db, site.id).chair_ids
        kept = book(db, patient.id, first, nine)
        for status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
            appointments.set_status(db, SYSTEM, book(db, patient.id, second, nine), status.value)
        moving = book(db, patient.id, second, nine + timedelta(hours=2))
        book(db, patient.id, room.id, nine)
        cal = calendar(db, site.id, ignore_appointment_ids=frozenset({moving}))
        assert [(b.appointment_id, b.location_id, b.starts_at) for b in cal.bookings] == [
            (kept, first, nine)
        ]


@contextmanager
def counted_queries(engine: Engine) -> Iterator[list[str]]:
    """The SELECT statements sent to the database inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_calendar_takes_the_same_few_queries_however_many_bookings(
    engine: Engine, sessions, clinic: Clinic
):
    patient = add_patient(sessions, clinic.north_site_id)
    with counted_queries(engine) as empty, sessions() as db:
        chairs = calendar(db, clinic.north_site_id).chair_ids
    eight = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with sessions() as db, db.begin():
        db.add_all(
            Appointment(
                patient_id=patient.id,
                site_id=clinic.north_site_id,
                location_id=chairs[n % 2],
                starts_at=eight + timedelta(hours=n),
                ends_at=eight + timedelta(hours=n + 1),
                kind="treatment",
                status="booked",
            )
            for n in range(100)
        )
    with counted_queries(engine) as busy, sessions() as db:
        cal = calendar(db, clinic.north_site_id)
    assert len(cal.bookings) == 100
    assert len(busy) == len(empty) <= 8
