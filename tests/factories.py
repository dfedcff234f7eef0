"""A small seeded clinic shared by tests: one organization, two sites, chairs, one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import LocationKind, Role
from ketacare.core.patients import PatientDetails
from ketacare.db.models import Patient
from ketacare.services import clinic, patients, staff
from ketacare.services.context import Actor

PASSWORD = "correct horse battery staple"
SEEDED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


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
    return seeded


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
