"""Staff accounts: add, list, disable, grant roles per site, and build a signed-in ``Principal``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pwdlib import PasswordHash
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, Role
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.lockout import is_locked
from ketacare.core.passwords import check_new_password
from ketacare.core.patients import EMAIL_PATTERN
from ketacare.core.permissions import Action, Principal
from ketacare.db.models import RoleGrant, Site, StaffUser
from ketacare.services import audit
from ketacare.services.context import Actor

PASSWORDS = PasswordHash.recommended()  # argon2id with pwdlib's current parameters


def normalise_email(email: str) -> str:
    return email.strip().lower()


def principal_for(db: Session, user: StaffUser) -> Principal:
    """The user's roles, site by site, as the permission rules see them."""
    grants: dict[int, set[Role]] = {}
    for grant in db.scalars(select(RoleGrant).where(RoleGrant.staff_user_id == user.id)):
        grants.setdefault(grant.site_id, set()).add(Role(grant.role))
    frozen = {site_id: frozenset(roles) for site_id, roles in grants.items()}
    return Principal(user.id, user.organization_id, user.email, user.full_name, frozen)


def add(
    db: Session,
    actor: Actor,
    organization_id: int,
    email: str,
    full_name: str,
    password: str,
    grants: Iterable[tuple[int, Role]],
) -> StaffUser:
    """Create an account with its role grants; the email must be new."""
    actor.require(Action.MANAGE_STAFF)
    email = normalise_email(email)
    errors = {}
    if not EMAIL_PATTERN.match(email):
        errors["email"] = "Enter an email address like name@example.org."
    if not full_name.strip():
        errors["full_name"] = "This field is required."
    if errors:
        raise ValidationFailed(errors)
    check_new_password(password, email)
    if db.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == email)):
        raise Conflict(f"A staff account for {email} already exists.", field="email")
    user = StaffUser(
        organization_id=organization_id,
        email=email,
        full_name=full_name.strip(),
        password_hash=PASSWORDS.hash(password),
        active=True,
        failed_sign_ins=0,
        totp_enabled=False,
        created_at=actor.at,
    )
    db.add(user)
    db.flush()
    set_grants(db, actor, user, grants)
    audit.record(db, actor, AuditAction.CREATE, "staff_user", user.id)
    return user


def set_grants(
    db: Session, actor: Actor, user: StaffUser, grants: Iterable[tuple[int, Role]]
) -> None:
    """Replace the user's role grants with ``grants`` (site id, role)."""
    actor.require(Action.MANAGE_STAFF)
    wanted = set(grants)
    site_ids = {s for s, _ in wanted}
    known = set(db.scalars(select(Site.id).where(Site.id.in_(site_ids))))
    if site_ids - known:
        raise ValidationFailed({"grants": f"Unknown site id(s): {sorted(site_ids - known)}."})
    for grant in db.scalars(select(RoleGrant).where(RoleGrant.staff_user_id == user.id)):
        db.delete(grant)
    db.flush()
    for site_id, role in sorted(wanted):
        db.add(RoleGrant(staff_user_id=user.id, site_id=site_id, role=role.value))
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "role_grant",
        user.id,
        detail={"grants": sorted(f"{s}:{r.value}" for s, r in wanted)},
    )


def get(db: Session, staff_user_id: int) -> StaffUser:
    user = db.get(StaffUser, staff_user_id)
    if user is None:
        raise NotFound("No such staff user.")
    return user


def by_email(db: Session, email: str) -> StaffUser:
    user = db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"No staff account for {normalise_email(email)}.")
    return user


@dataclass(frozen=True)
class StaffEntry:
    """A staff account with its roles, site by site, as the staff pages list them."""

    user: StaffUser
    grants: Mapping[int, frozenset[Role]]


def directory(db: Session, actor: Actor, organization_id: int) -> list[StaffEntry]:
    """Every account of the organization by name, each with its grants (one query for all)."""
    users = list_all(db, actor, organization_id)
    grants: dict[int, dict[int, set[Role]]] = {u.id: {} for u in users}
    rows = db.scalars(select(RoleGrant).where(RoleGrant.staff_user_id.in_(grants)))
    for grant in rows:
        grants[grant.staff_user_id].setdefault(grant.site_id, set()).add(Role(grant.role))
    return [StaffEntry(u, _frozen(grants[u.id])) for u in users]


def entry(db: Session, actor: Actor, staff_user_id: int) -> StaffEntry:
    """One account of the actor's organization with its grants, for the admin's edit page."""
    actor.require(Action.MANAGE_STAFF)
    user = db.get(StaffUser, staff_user_id)
    if user is None or (
        actor.principal is not None and user.organization_id != actor.principal.organization_id
    ):
        raise NotFound("No such staff user.")
    return StaffEntry(user, principal_for(db, user).grants)


def _frozen(grants: Mapping[int, set[Role]]) -> dict[int, frozenset[Role]]:
    return {site_id: frozenset(roles) for site_id, roles in grants.items()}


def list_all(db: Session, actor: Actor, organization_id: int) -> Sequence[StaffUser]:
    actor.require(Action.READ_STAFF)
    return db.scalars(
        select(StaffUser)
        .where(StaffUser.organization_id == organization_id)
        .order_by(StaffUser.full_name)
    ).all()


def locked_until(user: StaffUser, at: datetime) -> datetime | None:
    """When a current lockout ends, or None when the account is not locked at ``at``."""
    return user.locked_until if is_locked(user.locked_until, at) else None


def unlock(db: Session, actor: Actor, user: StaffUser) -> None:
    """An admin lifts a lockout before it runs out; the failure count starts again from zero."""
    actor.require(Action.MANAGE_STAFF)
    user.locked_until, user.failed_sign_ins = None, 0
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"unlocked": True})


def set_active(db: Session, actor: Actor, user: StaffUser, active: bool) -> None:
    """Disable (or re-enable) an account; disabling also lets no existing login session continue."""
    actor.require(Action.MANAGE_STAFF)
    if not active and user.id == actor.staff_user_id:
        raise ValidationFailed({"active": "You cannot disable your own account."})
    user.active = active
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"active": active})
