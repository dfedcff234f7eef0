"""The demo clinic's scheduling set-up: what its scheduler books into.

Every site opens Monday to Friday 08:00-18:00 and Saturday 09:00-13:00 and closes on Christmas
Day 2026 and New Year's Day 2027. A nurse and a prescriber are on the rota at each site for all
the opening hours, with two gaps that show the rules at work: the first site's prescriber works
Wednesday mornings only, so an esketamine treatment cannot be booked there on a Wednesday
afternoon (a prescriber must be on site, REMS, clinical-reference §3.9), and is away on a
training day two to three weeks ahead.

The demo's own nurse and prescriber (``services/setup.py``) work at the first site. Each further
site gets a nurse and a prescriber of its own, made here: rota-only accounts with a random
password, which nobody signs in with unless an admin sets a new one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict
from ketacare.db.models import RoleGrant, Site, StaffUser
from ketacare.services import clinic, rota, site_hours, staff
from ketacare.services.context import Actor

Hours = tuple[time, time]
WEEKDAY_HOURS: Hours = (time(8), time(18))
SATURDAY_HOURS: Hours = (time(9), time(13))
DEMO_WEEK: Mapping[int, Hours] = {**dict.fromkeys(range(5), WEEKDAY_HOURS), 5: SATURDAY_HOURS}
HALF_DAY_WEEKDAY = 2  # Wednesday: the first site's prescriber leaves at noon
CLOSED_DAYS = ((date(2026, 12, 25), "Christmas Day"), (date(2027, 1, 1), "New Year's Day"))
# Staff of the further sites, in site order (obviously fictional, like the rest of the demo).
SITE_COLLEAGUES = (
    ((Role.NURSE, "Alex Moreau"), (Role.PRESCRIBER, "Dana Whitfield")),
    ((Role.NURSE, "Noor Haddad"), (Role.PRESCRIBER, "Tomas Lindqvist")),
)


def seed_demo_scheduling(db: Session, actor: Actor, organization_id: int) -> None:
    """Opening hours, closed days, a rota and one absence for every site of the organization."""
    for index, site in enumerate(clinic.sites_of(db, organization_id)):
        site_hours.set_opening_hours(db, actor, site.id, DEMO_WEEK)
        for day, reason in CLOSED_DAYS:
            site_hours.add_closure(db, actor, site.id, day, reason)
        if index == 0:
            _first_site_rota(db, actor, site)
        else:
            colleagues = SITE_COLLEAGUES[(index - 1) % len(SITE_COLLEAGUES)]
            for role, name in colleagues:
                user = _colleague(db, actor, site, role, name)
                _on_rota(db, actor, site, (user, role), DEMO_WEEK)


def _first_site_rota(db: Session, actor: Actor, site: Site) -> None:
    """The demo's own nurse and prescriber; the prescriber's Wednesday afternoons off and
    training day leave the site without a prescriber on site then."""
    nurse = _first_holder(db, site, Role.NURSE)
    prescriber = _first_holder(db, site, Role.PRESCRIBER)
    _on_rota(db, actor, site, nurse, DEMO_WEEK)
    _on_rota(db, actor, site, prescriber, {**DEMO_WEEK, HALF_DAY_WEEKDAY: (time(8), time(12))})
    training_day = _friday_two_weeks_on(actor, site)
    rota.add_absence(db, actor, prescriber[0].id, training_day, training_day, "Training day")


def _first_holder(db: Session, site: Site, role: Role) -> tuple[StaffUser, Role]:
    """The longest-standing active staff user holding ``role`` at the site."""
    user = db.scalar(
        select(StaffUser)
        .join(RoleGrant, RoleGrant.staff_user_id == StaffUser.id)
        .where(RoleGrant.site_id == site.id, RoleGrant.role == role.value, StaffUser.active)
        .order_by(StaffUser.id)
        .limit(1)
    )
    if user is None:
        raise Conflict(f"The demo needs a {role.value} at {site.name} to put on the rota.")
    return user, role


def _colleague(db: Session, actor: Actor, site: Site, role: Role, name: str) -> StaffUser:
    """A rota-only account at ``site``, e-mailed at the demo's own domain."""
    domain = _first_holder(db, site, Role.ADMIN)[0].email.partition("@")[2]
    email = f"{role.value}.{site.code.lower()}@{domain}"
    password = secrets.token_urlsafe(24)  # unknown to anyone: an admin sets one to sign in
    return staff.add(db, actor, site.organization_id, email, name, password, [(site.id, role)])


def _on_rota(
    db: Session, actor: Actor, site: Site, who: tuple[StaffUser, Role], week: Mapping[int, Hours]
) -> None:
    user, role = who
    for weekday, (starts_at, ends_at) in week.items():
        rota.add_rota_line(db, actor, site.id, user.id, role.value, weekday, starts_at, ends_at)


def _friday_two_weeks_on(actor: Actor, site: Site) -> date:
    today = actor.at.astimezone(ZoneInfo(site.timezone)).date()
    return today + timedelta(days=14 + (4 - today.weekday()) % 7)
