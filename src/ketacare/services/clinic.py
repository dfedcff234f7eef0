"""Setting up the clinic itself: the organization, its sites, and the rooms and chairs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, LocationKind
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.db.models import Location, Organization, Site
from ketacare.services import audit
from ketacare.services.context import Actor


def create_organization(db: Session, actor: Actor, name: str) -> Organization:
    if not name.strip():
        raise ValidationFailed({"name": "Give the organization a name."})
    org = Organization(name=name.strip())
    db.add(org)
    db.flush()
    audit.record(db, actor, AuditAction.CREATE, "organization", org.id)
    return org


def add_site(
    db: Session,
    actor: Actor,
    organization: Organization,
    code: str,
    name: str,
    timezone: str = "UTC",
) -> Site:
    site = Site(organization_id=organization.id, code=code, name=name, timezone=timezone)
    db.add(site)
    db.flush()
    audit.record(db, actor, AuditAction.CREATE, "site", site.id, site_id=site.id)
    return site


def add_location(db: Session, actor: Actor, site: Site, name: str, kind: LocationKind) -> Location:
    location = Location(site_id=site.id, name=name, kind=kind.value, active=True)
    db.add(location)
    db.flush()
    audit.record(db, actor, AuditAction.CREATE, "location", location.id, site_id=site.id)
    return location


def the_organization(db: Session) -> Organization:
    """The installation's organization (one per database); ``ketacare init`` creates it."""
    org = db.scalar(select(Organization).order_by(Organization.id).limit(1))
    if org is None:
        raise NotFound("No clinic is set up yet. Run: ketacare init --admin-email EMAIL")
    return org


def sites_of(db: Session, organization_id: int) -> Sequence[Site]:
    return db.scalars(
        select(Site).where(Site.organization_id == organization_id).order_by(Site.name)
    ).all()


def locations_of(db: Session, site_id: int) -> Sequence[Location]:
    return db.scalars(
        select(Location)
        .where(Location.site_id == site_id, Location.active.is_(True))
        .order_by(Location.kind, Location.name)
    ).all()
