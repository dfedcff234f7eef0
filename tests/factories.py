"""A small seeded clinic shared by tests: one organization, two sites, chairs, one user per role,
opening hours and a staff rota so treatments can be booked."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import LocationKind, Role
from ketacare.core.patients import PatientDetails
from ketacare.core.scheduling.defaults import DEFAULT_SETTINGS
from ketacare.db.models import Patient
from ketacare.services import clinic, patients, rota, scheduling_setup, site_hours, staff
from ketacare.services.context import Actor

PASSWORD = "correct horse battery staple"
SEEDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WORKING_DAY = (time(8, 0), time(18, 0))  # Monday to Friday at both sites, on the rota too
CHAIRS_PER_NURSE = 2


@dataclass
class Clinic:
    """Ids of what ``seed_clinic`` made; ``users`` maps a role to that role's user's email."""

    organization_id: int
    north_site_id: int
    south_site_id: int
    users: dict[Role, str] = field(default_factory=dict)
    south_nurse_email: str = "south.nurse@clinic.test"


def seed_clinic(factory: sessionmaker[Session]) -> Clinic:
    """Admin at both sites; every other role at North only; one nurse at South only."""
    system = Actor(None, SEEDED_AT)
    with factory() as db, db.begin():
        org = clinic.create_organization(db, system, "Harbour Ketamine Clinic")
        north = clinic.add_site(db, system, org, "N", "North")
        south = clinic.add_site(db, system, org, "S", "South")
        for site in (north, south):
            clinic.add_location(db, system, site, "Chair 1", LocationKind.CHAIR)
            clinic.add_location(db, system, site, "Chair 2", LocationKind.CHAIR)
        seeded = Clinic(org.id, north.id, south.id)
        for role in Role:
            email = f"{role.value}@clinic.test"
            sites = [north.id, south.id] if role is Role.ADMIN else [north.id]
            staff.add(
                db,
                system,
                org.id,
                email,
                f"Test {role.value.replace('_', ' ').title()}",
                PASSWORD,
                [(s, role) for s in sites],
            )
            seeded.users[role] = email
        staff.add(
            db,
            system,
            org.id,
            seeded.south_nurse_email,
            "South Nurse",
            PASSWORD,
            [(south.id, Role.NURSE)],
        )
        _seed_scheduling(db, system, seeded)
    return seeded


def _seed_scheduling(db: Session, system: Actor, seeded: Clinic) -> None:
    """Both sites open weekdays; North's nurse and prescriber and the South nurse work them."""
    weekdays = dict.fromkeys(range(5), WORKING_DAY)
    for site_id in (seeded.north_site_id, seeded.south_site_id):
        site_hours.set_opening_hours(db, system, site_id, weekdays)
    on_rota = (
        (seeded.users[Role.NURSE], seeded.north_site_id, "nurse"),
        (seeded.users[Role.PRESCRIBER], seeded.north_site_id, "prescriber"),
        (seeded.south_nurse_email, seeded.south_site_id, "nurse"),
    )
    for email, site_id, role in on_rota:
        user_id = staff.by_email(db, email).id
        for weekday in weekdays:
            rota.add_rota_line(db, system, site_id, user_id, role, weekday, *WORKING_DAY)
    settings = {**asdict(DEFAULT_SETTINGS), "chairs_per_nurse": CHAIRS_PER_NURSE}
    scheduling_setup.update_settings(db, system, seeded.organization_id, settings)


def patient_details(site_id: int, **overrides: object) -> PatientDetails:
    values: dict[str, object] = {
        "mrn": "MRN-0001",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": date(1985, 12, 10),
        "sex_at_birth": "female",
        "site_id": site_id,
        "phone": "+1 555 0100",
        "email": "ada@example.org",
    }
    values.update(overrides)
    return PatientDetails(**values)  # type: ignore[arg-type]


def add_patient(factory: sessionmaker[Session], site_id: int, **overrides: object) -> Patient:
    with factory() as db, db.begin():
        return patients.register(
            db, Actor(None, SEEDED_AT), _org_id(db), patient_details(site_id, **overrides)
        )


def _org_id(db: Session) -> int:
    return clinic.the_organization(db).id
