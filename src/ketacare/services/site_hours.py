"""When a site treats patients: its weekly opening hours and the whole days it is closed.

Times of day are the site's wall clock (``site.timezone``). Changes need MANAGE_SCHEDULING at the
site and are audited with what they replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import Conflict, NotFound
from ketacare.core.permissions import Action
from ketacare.core.scheduling.defaults import closure_from, week_from
from ketacare.core.scheduling.model import Opening
from ketacare.db.models import Site, SiteClosure, SiteOpeningHours
from ketacare.services import audit
from ketacare.services.context import Actor


def managed_site(db: Session, actor: Actor, site_id: int) -> Site:
    """The site, when the actor may set up its scheduling (NotFound for another clinic's)."""
    site = db.get(Site, site_id)
    principal = actor.principal
    if site is None or (
        principal is not None and principal.organization_id != site.organization_id
    ):
        raise NotFound("No such site.")
    actor.require(Action.MANAGE_SCHEDULING, site.id)
    return site


def opening_hours(db: Session, site_id: int) -> dict[int, Opening]:
    """The site's open weekdays (0 Monday .. 6 Sunday); a weekday not in it is closed."""
    rows = db.scalars(select(SiteOpeningHours).where(SiteOpeningHours.site_id == site_id))
    return {row.weekday: Opening(row.opens_at, row.closes_at) for row in rows}


def set_opening_hours(
    db: Session, actor: Actor, site_id: int, hours: Mapping[int, tuple[time | None, time | None]]
) -> dict[int, Opening]:
    """Replace the whole week at once: (opens, closes) per weekday, both None for closed (as is
    a weekday left out)."""
    site = managed_site(db, actor, site_id)
    week = week_from(hours)
    before = opening_hours(db, site.id)
    for row in db.scalars(select(SiteOpeningHours).where(SiteOpeningHours.site_id == site.id)):
        db.delete(row)
    db.flush()  # the old rows go before the new ones meet the (site, weekday) constraint
    for weekday, opening in week.items():
        db.add(
            SiteOpeningHours(
                site_id=site.id, weekday=weekday, opens_at=opening.opens, closes_at=opening.closes
            )
        )
    db.flush()
    detail = {"before": _described(before), "after": _described(week)}
    audit.record(
        db, actor, AuditAction.UPDATE, "site_opening_hours", site.id, site_id=site.id, detail=detail
    )
    return week


def _described(week: Mapping[int, Opening]) -> dict[int, str]:
    return {
        day: f"{week[day].opens:%H:%M}-{week[day].closes:%H:%M}" if day in week else "closed"
        for day in range(7)
    }


def closures(
    db: Session, site_id: int, from_on: date, to_on: date | None = None
) -> Sequence[SiteClosure]:
    """The site's closed days from ``from_on`` (to ``to_on`` inclusive, when given), in order."""
    query = select(SiteClosure).where(
        SiteClosure.site_id == site_id, SiteClosure.closed_on >= from_on
    )
    if to_on is not None:
        query = query.where(SiteClosure.closed_on <= to_on)
    return db.scalars(query.order_by(SiteClosure.closed_on)).all()


def add_closure(
    db: Session, actor: Actor, site_id: int, closed_on: date | None, reason: str
) -> SiteClosure:
    """Close the site for a whole day; a day already closed is a Conflict on ``closed_on``."""
    site = managed_site(db, actor, site_id)
    day, why = closure_from(closed_on, reason)
    row = SiteClosure(site_id=site.id, closed_on=day, reason=why)
    try:
        with db.begin_nested():  # the unique (site, day) constraint decides, even under a race
            db.add(row)
            db.flush()
    except IntegrityError:
        raise Conflict(f"The site is already closed on {day.isoformat()}.", "closed_on") from None
    _audit_closure(db, actor, AuditAction.CREATE, row)
    return row


def remove_closure(db: Session, actor: Actor, closure_id: int) -> None:
    """Open the site again on a day it was to be closed."""
    row = db.get(SiteClosure, closure_id)
    if row is None:
        raise NotFound("No such closed day.")
    managed_site(db, actor, row.site_id)
    _audit_closure(db, actor, AuditAction.DELETE, row)
    db.delete(row)
    db.flush()


def _audit_closure(db: Session, actor: Actor, action: AuditAction, row: SiteClosure) -> None:
    detail = {"closed_on": row.closed_on.isoformat(), "reason": row.reason}
    audit.record(db, actor, action, "site_closure", row.id, site_id=row.site_id, detail=detail)
