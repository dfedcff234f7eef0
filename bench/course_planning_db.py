"""The course-planning benchmark through the database: the busy site of ``bench.course_planning``
set up in a fresh database through the services, as its admin and prescriber would, then
``services.course_planning.propose`` timed on the same orders the core planned in memory.

The clock is fixed (the Friday before the first Monday), so every run books the same days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from time import perf_counter

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bench import course_planning as planning
from bench.databases import Target
from ketacare.core.enums import AppointmentKind, LocationKind, Role
from ketacare.core.errors import Conflict
from ketacare.core.scheduling.model import SiteCalendar, Slot
from ketacare.db.engine import make_engine, session_factory, transaction
from ketacare.db.migrate import upgrade
from ketacare.db.models import Patient, Site, StaffUser
from ketacare.services import (
    appointments,
    clinic,
    protocols,
    rota,
    scheduling_setup,
    setup,
    site_hours,
    staff,
    synth,
)
from ketacare.services.context import Actor
from ketacare.services.course_planning import CourseOrder, propose

AT = datetime(2026, 11, 27, 18, tzinfo=UTC)  # noon at the site, three days before FIRST_MONDAY
PASSWORD = "long-enough-password"  # noqa: S105  (a throwaway database nobody signs in to)
DOSE_MG_PER_KG = Decimal("0.5")  # IV ketamine for depression: clinical-reference §1.1 [SINGH]


@dataclass(frozen=True)
class _Stored:
    """The bench site as stored: who orders, where, for whom, and each chair's in-memory id."""

    sessions: sessionmaker[Session]
    prescriber: Actor
    site_id: int
    patient_ids: tuple[int, ...]
    chair_index: Mapping[int, int]  # location id -> the chair's id in the in-memory calendar

    def as_in_memory(self, slot: Slot) -> Slot:
        return Slot(self.chair_index[slot.location_id], slot.starts_at, slot.ends_at)


def _actor(db: Session, user: StaffUser) -> Actor:
    return Actor(staff.principal_for(db, user), AT)


def _staff(db: Session, admin: Actor, site: Site) -> tuple[StaffUser, list[StaffUser]]:
    """A prescriber, and as many nurses as the weekday rota has nurse shifts."""
    count = sum(role == "nurse" for role, _, _ in planning.WEEKDAY_ROTA)
    people = [(Role.PRESCRIBER, "prescriber")] + [(Role.NURSE, f"nurse{n}") for n in range(count)]
    prescriber, *nurses = (
        staff.add(
            db,
            admin,
            site.organization_id,
            f"{name}@example.org",
            name.title(),
            PASSWORD,
            [(site.id, role)],
        )
        for role, name in people
    )
    return prescriber, nurses


def _schedule(
    db: Session, admin: Actor, site: Site, prescriber: StaffUser, nurses: list[StaffUser]
) -> None:
    """Opening hours, the closed day, the settings and the rota of the in-memory site."""
    hours = {day: (opening.opens, opening.closes) for day, opening in planning.OPENING.items()}
    site_hours.set_opening_hours(db, admin, site.id, hours)
    site_hours.add_closure(db, admin, site.id, *planning.CLOSED_ON)
    scheduling_setup.update_settings(db, admin, site.organization_id, asdict(planning.SETTINGS))
    for weekday in planning.OPENING:
        on_shift = {"nurse": iter(nurses), "prescriber": iter([prescriber])}
        for role, starts_at, ends_at in planning.shifts_on(weekday):
            person = next(on_shift[role])
            rota.add_rota_line(db, admin, site.id, person.id, role, weekday, starts_at, ends_at)


def _book(db: Session, admin: Actor, calendar: SiteCalendar, chairs: Mapping[int, int]) -> None:
    """Each booking of the in-memory calendar as a treatment appointment, patients in turn."""
    patient_ids = _patient_ids(db)
    taken = sorted(calendar.bookings, key=lambda b: b.starts_at)
    for n, booked in enumerate(taken):
        kind = AppointmentKind.TREATMENT.value
        chair = chairs[booked.location_id]
        patient_id = patient_ids[n % len(patient_ids)]
        booking = appointments.Booking(patient_id, chair, booked.starts_at, booked.ends_at, kind)
        appointments.book(db, admin, booking)


def _set_up(db: Session, calendar: SiteCalendar) -> tuple[Actor, Site, dict[int, int]]:
    """The clinic, its staff, patients, chairs, schedule and bookings; returns the prescriber,
    the site and the location id of each in-memory chair."""
    first = setup.FirstRun(
        "Bench Clinic", "Central", "C", planning.ZONE, "admin@example.org", "Bench Admin", PASSWORD
    )
    admin = _actor(db, setup.initialize(db, Actor(None, AT), first))
    site = clinic.sites_of(db, clinic.the_organization(db).id)[0]
    prescriber, nurses = _staff(db, admin, site)
    # Patients before chairs: synth books this week's visits into the chairs, and none are there.
    synth.generate(db, admin, site.organization_id, planning.PATIENTS, planning.SEED)
    chairs = {
        index: clinic.add_location(db, admin, site, f"Chair {index}", LocationKind.CHAIR).id
        for index in calendar.chair_ids
    }
    _schedule(db, admin, site, prescriber, nurses)
    _book(db, admin, calendar, chairs)
    orderer = _actor(db, prescriber)
    observation = {"min_observation_min": str(planning.OBSERVATION_MIN)}
    protocols.save_version(
        db, orderer, site.organization_id, planning.IV_CODE, observation, planning.OBSERVATION_NOTE
    )
    return orderer, site, chairs


def _patient_ids(db: Session) -> tuple[int, ...]:
    return tuple(db.scalars(select(Patient.id).order_by(Patient.id)))


def build(target: Target, calendar: SiteCalendar) -> _Stored:
    """A fresh database on ``target`` holding the bench site with ``calendar``'s bookings."""
    engine = make_engine(target.url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as db:
        prescriber, site, chairs = _set_up(db, calendar)
        site_id, patient_ids = site.id, _patient_ids(db)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # what autovacuum does soon after a bulk load
            conn.execute(text("ANALYZE"))
    chair_index = {location: index for index, location in chairs.items()}
    return _Stored(sessions, prescriber, site_id, patient_ids, chair_index)


def _propose_once(stored: _Stored, order: planning.Order, patient_id: int) -> planning.Timed:
    course_order = CourseOrder(
        patient_id,
        planning.IV_CODE,
        stored.site_id,
        order.start_on,
        DOSE_MG_PER_KG,
        preferred_weekdays=order.weekdays,
        preferred_time=order.preferred_time,
    )
    with transaction(stored.sessions) as db:
        began = perf_counter()
        try:
            slots = propose(db, stored.prescriber, course_order).slots
        except Conflict:
            return perf_counter() - began, None
        seconds = perf_counter() - began
    return seconds, tuple(stored.as_in_memory(slot) for slot in slots)


def through_service(target: Target, planned: planning.InMemory) -> list[planning.Timed]:
    """Build the site on ``target``, warm up, then time ``propose`` on every order (each for
    the next patient in turn, in a transaction of its own whose commit is not timed)."""
    stored = build(target, planned.calendar)
    patients = stored.patient_ids
    timed = [
        _propose_once(stored, order, patients[n % len(patients)])
        for n, order in enumerate(planned.orders)
    ]
    stored.sessions.kw["bind"].dispose()
    return timed[planning.WARM_UP :]
