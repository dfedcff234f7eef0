"""Setting up an installation: the first organization, site and admin, and the demo clinic.

``ketacare init`` runs once per database; it refuses when an organization already exists so a
second run can never create a rival clinic or a back-door admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ketacare.core.enums import LocationKind, Role
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.db.engine import session_factory, transaction
from ketacare.db.models import Organization, StaffUser
from ketacare.services import (
    alert_settings,
    clinic,
    consent,
    protocols,
    staff,
    synth,
    synth_course_orders,
    synth_courses,
    synth_scheduling,
    synth_treatments,
)
from ketacare.services.context import Actor


@dataclass(frozen=True)
class FirstRun:
    """What ``ketacare init`` asks for."""

    organization_name: str
    site_name: str
    site_code: str
    timezone: str
    admin_email: str
    admin_name: str
    admin_password: str


def existing_organization(db: Session) -> Organization | None:
    """The installation's organization, or None before ``init`` (or the demo) has run."""
    try:
        return clinic.the_organization(db)
    except NotFound:
        return None


def initialize(db: Session, actor: Actor, first: FirstRun) -> StaffUser:
    """Create the organization, its first site and the first admin (an admin at that site)."""
    found = existing_organization(db)
    if found is not None:
        raise Conflict(
            f"This database already holds the organization {found.name!r}; init runs only once. "
            "Add staff with: ketacare user add"
        )
    _check_timezone(first.timezone)
    org = clinic.create_organization(db, actor, first.organization_name)
    consent.ensure_default_documents(db, actor, org.id)
    protocols.ensure_default_protocols(db, actor, org.id)
    site = clinic.add_site(
        db, actor, org, first.site_code.strip().upper(), first.site_name.strip(), first.timezone
    )
    return staff.add(
        db,
        actor,
        org.id,
        first.admin_email,
        first.admin_name,
        first.admin_password,
        [(site.id, Role.ADMIN)],
    )


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            {"timezone": f"Unknown time zone {name!r}; use a name like Europe/London."}
        ) from None


def grants_for(
    db: Session, organization_id: int, wanted: Iterable[tuple[Role, str | None]]
) -> list[tuple[int, Role]]:
    """Turn (role, site code) pairs into (site id, role) grants; no code means every site."""
    sites = {site.code.upper(): site.id for site in clinic.sites_of(db, organization_id)}
    grants: list[tuple[int, Role]] = []
    for role, code in wanted:
        if code is None:
            grants.extend((site_id, role) for site_id in sites.values())
        elif code.upper() in sites:
            grants.append((sites[code.upper()], role))
        else:
            known = ", ".join(sorted(sites)) or "none yet"
            raise ValidationFailed({"role": f"No site with code {code!r} (sites: {known})."})
    return grants


# The demo clinic: obviously fictional, rebuilt only on request.
DEMO_ORGANIZATION = "Harbour Ketamine Clinic"
DEMO_PASSWORD = "ketacare-demo"  # noqa: S105  (printed on screen; demo mode only)
DEMO_EMAIL_DOMAIN = "demo.ketacare.test"
DEMO_SEED = 20240607
DEMO_COURSES_PER_SITE = 24  # fills the four chairs' past slots without a clash
DEMO_SITES = (("N", "North", "America/New_York"), ("S", "South", "America/New_York"))
DEMO_CHAIRS = ("Chair 1", "Chair 2", "Chair 3", "Chair 4")
DEMO_ROOMS = ("Room 1", "Room 2")
DEMO_STAFF = (
    (Role.ADMIN, "admin", "Morgan Reyes"),
    (Role.PRESCRIBER, "prescriber", "Priya Natarajan"),
    (Role.NURSE, "nurse", "Sam Okafor"),
    (Role.THERAPIST, "therapist", "Jordan Ellis"),
    (Role.FRONT_DESK, "front.desk", "Riley Chen"),
    (Role.RESEARCHER, "researcher", "Casey Novak"),
)


@dataclass(frozen=True)
class DemoSignIn:
    role: Role
    email: str
    full_name: str


def demo_sign_ins() -> Sequence[DemoSignIn]:
    """The demo's staff, one per role; each signs in with ``DEMO_PASSWORD``."""
    return [DemoSignIn(r, f"{local}@{DEMO_EMAIL_DOMAIN}", name) for r, local, name in DEMO_STAFF]


def build_demo_clinic(
    db: Session, actor: Actor, patients: int, progress: synth.Progress | None = None
) -> synth.SynthSummary:
    """The demo organization, two sites with chairs and rooms, one staff user per role (at both
    sites), ``patients`` synthetic patients with this week's appointments, and courses of care
    with scores over time for ``DEMO_COURSES_PER_SITE`` patients per site."""
    if demo_exists(db):
        raise Conflict("The demo clinic is already built; rebuild it with: ketacare demo --reset")
    org = clinic.create_organization(db, actor, DEMO_ORGANIZATION)
    consent.ensure_default_documents(db, actor, org.id)
    protocols.ensure_default_protocols(db, actor, org.id)
    site_ids = []
    for code, name, timezone in DEMO_SITES:
        site = clinic.add_site(db, actor, org, code, name, timezone)
        for chair in DEMO_CHAIRS:
            clinic.add_location(db, actor, site, chair, LocationKind.CHAIR)
        for room in DEMO_ROOMS:
            clinic.add_location(db, actor, site, room, LocationKind.ROOM)
        site_ids.append(site.id)
    reviewer = actor
    for person in demo_sign_ins():
        grants = [(site_id, person.role) for site_id in site_ids]
        user = staff.add(db, actor, org.id, person.email, person.full_name, DEMO_PASSWORD, grants)
        if person.role is Role.PRESCRIBER:
            reviewer = Actor(staff.principal_for(db, user), actor.at, actor.ip_address)
    synth_scheduling.seed_demo_scheduling(db, actor, org.id)
    summary = synth.generate(db, actor, org.id, patients, DEMO_SEED, progress)
    sites = clinic.sites_of(db, org.id)
    synth_courses.build_courses(db, actor, reviewer, DEMO_SEED, sites, DEMO_COURSES_PER_SITE)
    synth_course_orders.build_course_orders(db, reviewer, DEMO_SEED, sites, DEMO_COURSES_PER_SITE)
    alert_settings.seed_demo_thresholds(db, reviewer, org.id)
    synth_treatments.seed_demo_treatments(db, reviewer, org.id)
    return summary


def demo_exists(db: Session) -> bool:
    """True when the demo clinic is there, False when the database is empty; a database that
    holds a real clinic is refused, so demo mode (and its demo secret) never serves real records."""
    found = existing_organization(db)
    if found is not None and found.name != DEMO_ORGANIZATION:
        raise Conflict(
            f"The database holds {found.name!r}, not the demo clinic; "
            "the demo runs only on a database of its own."
        )
    return found is not None


def reset_demo_database(engine: Engine) -> None:
    """Drop every table so the demo can be rebuilt; refuses a database that holds a real clinic."""
    if inspect(engine).has_table(Organization.__tablename__):
        with transaction(session_factory(engine)) as db:
            demo_exists(db)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
