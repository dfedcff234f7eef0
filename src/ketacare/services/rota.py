"""Who works when: the weekly staff rota per site and the days people are away, and the staff on
duty they add up to on real dates (``on_duty``, read by ``scheduling_setup.site_calendar``).

A rota line puts a staff user at a site on one weekday in a role the scheduler counts (nurse or
prescriber) and the person must hold that role at that site. Nobody is on two lines at once. An
absence takes the person off every rota line for whole days. Changes need MANAGE_SCHEDULING at
the site (for an absence: at a site where the person works) and are audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import NotFound, PermissionDenied, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.scheduling.defaults import (
    DUTY_ROLE,
    DUTY_ROLES,
    Shift,
    absence_from,
    shift_from,
)
from ketacare.core.scheduling.model import OnDuty
from ketacare.db.models import RoleGrant, StaffAbsence, StaffRota, StaffUser
from ketacare.services import audit
from ketacare.services.context import Actor
from ketacare.services.site_hours import managed_site

_HOLDS_THE_ROLE = exists().where(
    RoleGrant.staff_user_id == StaffRota.staff_user_id,
    RoleGrant.site_id == StaffRota.site_id,
    RoleGrant.role == StaffRota.role,
)


@dataclass(frozen=True)
class RotaEntry:
    """A rota line with the person's name, for the setup page."""

    id: int
    staff_user_id: int
    full_name: str
    shift: Shift


@dataclass(frozen=True)
class AbsenceEntry:
    """An absence with the person's name, for the setup page."""

    id: int
    staff_user_id: int
    full_name: str
    first_on: date
    last_on: date
    note: str


def rota_of(db: Session, site_id: int) -> Sequence[RotaEntry]:
    """The site's rota lines by weekday and start time."""
    rows = db.execute(
        select(StaffRota, StaffUser.full_name)
        .join(StaffUser, StaffUser.id == StaffRota.staff_user_id)
        .where(StaffRota.site_id == site_id)
        .order_by(StaffRota.weekday, StaffRota.starts_at, StaffUser.full_name)
    )
    return [RotaEntry(line.id, line.staff_user_id, name, _shift(line)) for line, name in rows]


def duty_staff(db: Session, site_id: int) -> Sequence[tuple[StaffUser, frozenset[str]]]:
    """Active staff holding a counted role (nurse, prescriber) at the site, with those roles."""
    rows = db.execute(
        select(StaffUser, RoleGrant.role)
        .join(RoleGrant, RoleGrant.staff_user_id == StaffUser.id)
        .where(
            RoleGrant.site_id == site_id,
            RoleGrant.role.in_(DUTY_ROLES),
            StaffUser.active.is_(True),
        )
        .order_by(StaffUser.full_name, StaffUser.id)
    )
    roles: dict[int, set[str]] = {}
    users: dict[int, StaffUser] = {}
    for user, role in rows:
        users[user.id] = user
        roles.setdefault(user.id, set()).add(role)
    return [(users[i], frozenset(roles[i])) for i in users]


def add_rota_line(
    db: Session,
    actor: Actor,
    site_id: int,
    staff_user_id: int | None,
    role: str,
    weekday: int | None,
    starts_at: time | None,
    ends_at: time | None,
) -> StaffRota:
    """Put a staff user on the site's rota for one weekday, in a role they hold there."""
    site = managed_site(db, actor, site_id)
    user = _colleague(db, actor, staff_user_id)
    taken = [_shift(line) for line in _lines_of(db, user.id)]
    shift = shift_from(role, weekday, starts_at, ends_at, taken)
    if not _holds(db, user.id, site.id, shift.role):
        message = f"{user.full_name} does not hold the {shift.role} role at {site.name}."
        raise ValidationFailed({"role": message + " Grant it on the staff page first."})
    line = StaffRota(staff_user_id=user.id, site_id=site.id, **asdict(shift))
    db.add(line)
    db.flush()
    detail = {"staff_user_id": user.id, **asdict(shift)}
    audit.record(
        db, actor, AuditAction.CREATE, "staff_rota", line.id, site_id=site.id, detail=detail
    )
    return line


def remove_rota_line(db: Session, actor: Actor, rota_id: int) -> None:
    """Take a line off the rota (the person stops working that weekday at that site)."""
    line = db.get(StaffRota, rota_id)
    if line is None:
        raise NotFound("No such rota line.")
    site = managed_site(db, actor, line.site_id)
    detail = {"staff_user_id": line.staff_user_id, **asdict(_shift(line))}
    audit.record(
        db, actor, AuditAction.DELETE, "staff_rota", line.id, site_id=site.id, detail=detail
    )
    db.delete(line)
    db.flush()


def absences(db: Session, organization_id: int, from_on: date) -> Sequence[AbsenceEntry]:
    """Absences of the organization's staff that end on or after ``from_on``, soonest first."""
    rows = db.execute(
        select(StaffAbsence, StaffUser.full_name)
        .join(StaffUser, StaffUser.id == StaffAbsence.staff_user_id)
        .where(StaffUser.organization_id == organization_id, StaffAbsence.last_on >= from_on)
        .order_by(StaffAbsence.first_on, StaffUser.full_name)
    )
    return [
        AbsenceEntry(a.id, a.staff_user_id, name, a.first_on, a.last_on, a.note) for a, name in rows
    ]


def add_absence(
    db: Session,
    actor: Actor,
    staff_user_id: int | None,
    first_on: date | None,
    last_on: date | None,
    note: str = "",
) -> StaffAbsence:
    """Take a person off the rota from ``first_on`` to ``last_on`` inclusive."""
    away = absence_from(first_on, last_on, note)
    user = _colleague(db, actor, staff_user_id)
    _require_at_a_site_of(db, actor, user.id)
    row = StaffAbsence(
        staff_user_id=user.id, first_on=away.first_on, last_on=away.last_on, note=away.note
    )
    db.add(row)
    db.flush()
    audit.record(
        db, actor, AuditAction.CREATE, "staff_absence", row.id, detail=_absence_detail(row)
    )
    return row


def remove_absence(db: Session, actor: Actor, absence_id: int) -> None:
    """The person is back on the rota for those days."""
    row = db.get(StaffAbsence, absence_id)
    if row is None:
        raise NotFound("No such absence.")
    _colleague(db, actor, row.staff_user_id)
    _require_at_a_site_of(db, actor, row.staff_user_id)
    audit.record(
        db, actor, AuditAction.DELETE, "staff_absence", row.id, detail=_absence_detail(row)
    )
    db.delete(row)
    db.flush()


def on_duty(
    db: Session, site_id: int, first_day: date, last_day: date, zone: ZoneInfo
) -> tuple[OnDuty, ...]:
    """The rota laid over real site days, less absences: each line on each matching date, as
    aware UTC instants of the site's wall-clock times (so a shift keeps 08:00 across a clock
    change). Lines of disabled accounts, or for a role no longer held at the site, do not count."""
    lines = db.scalars(
        select(StaffRota)
        .join(StaffUser, StaffUser.id == StaffRota.staff_user_id)
        .where(StaffRota.site_id == site_id, StaffUser.active.is_(True), _HOLDS_THE_ROLE)
        .order_by(StaffRota.starts_at, StaffRota.id)
    ).all()
    away = _away_days(db, {line.staff_user_id for line in lines}, first_day, last_day)
    duty: list[OnDuty] = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        for line in lines:
            if line.weekday == day.weekday() and (line.staff_user_id, day) not in away:
                duty.append(_on(day, line, zone))
    return tuple(duty)


def _on(day: date, line: StaffRota, zone: ZoneInfo) -> OnDuty:
    starts_at = datetime.combine(day, line.starts_at, tzinfo=zone).astimezone(UTC)
    ends_at = datetime.combine(day, line.ends_at, tzinfo=zone).astimezone(UTC)
    return OnDuty(line.staff_user_id, DUTY_ROLE[line.role], starts_at, ends_at)


def _away_days(
    db: Session, staff_ids: set[int], first_day: date, last_day: date
) -> set[tuple[int, date]]:
    """(staff user id, day) for every absent day in the range."""
    if not staff_ids:
        return set()
    rows = db.execute(
        select(StaffAbsence.staff_user_id, StaffAbsence.first_on, StaffAbsence.last_on).where(
            StaffAbsence.staff_user_id.in_(staff_ids),
            StaffAbsence.first_on <= last_day,
            StaffAbsence.last_on >= first_day,
        )
    )
    away: set[tuple[int, date]] = set()
    for staff_user_id, first_on, last_on in rows:
        start, end = max(first_on, first_day), min(last_on, last_day)
        away.update(
            (staff_user_id, start + timedelta(days=n)) for n in range((end - start).days + 1)
        )
    return away


def _colleague(db: Session, actor: Actor, staff_user_id: int | None) -> StaffUser:
    """A staff user of the actor's organization; a choice outside it is a field error."""
    user = None if staff_user_id is None else db.get(StaffUser, staff_user_id)
    principal = actor.principal
    if user is None or (
        principal is not None and user.organization_id != principal.organization_id
    ):
        raise ValidationFailed({"staff_user_id": "Choose a staff user from the list."})
    return user


def _require_at_a_site_of(db: Session, actor: Actor, staff_user_id: int) -> None:
    sites = set(
        db.scalars(select(RoleGrant.site_id).where(RoleGrant.staff_user_id == staff_user_id))
    )
    visible = actor.visible_sites(Action.MANAGE_SCHEDULING)
    if visible is not None and not sites & visible:
        raise PermissionDenied("You do not manage scheduling at any site where this person works.")


def _holds(db: Session, staff_user_id: int, site_id: int, role: str) -> bool:
    found = db.scalar(
        select(RoleGrant.id).where(
            RoleGrant.staff_user_id == staff_user_id,
            RoleGrant.site_id == site_id,
            RoleGrant.role == role,
        )
    )
    return found is not None


def _lines_of(db: Session, staff_user_id: int) -> Sequence[StaffRota]:
    return db.scalars(select(StaffRota).where(StaffRota.staff_user_id == staff_user_id)).all()


def _shift(line: StaffRota) -> Shift:
    return Shift(DUTY_ROLE[line.role], line.weekday, line.starts_at, line.ends_at)


def _absence_detail(row: StaffAbsence) -> dict[str, object]:
    return {
        "staff_user_id": row.staff_user_id,
        "first_on": row.first_on.isoformat(),
        "last_on": row.last_on.isoformat(),
    }
