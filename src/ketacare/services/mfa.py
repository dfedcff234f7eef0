"""One-time codes for signing in (TOTP, RFC 6238): enrolment, checking a code, and the MFA policy.

A secret is stored with ``totp_enabled`` False while enrolment is pending and switched on only after
the staff user proves their authenticator app shows the same codes. Each accepted code's time step
is remembered, so a code seen once (over a shoulder, in a proxy log) cannot be used again. Wrong
codes at sign-in count toward the same lockout as wrong passwords.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, Role
from ketacare.core.errors import AccountLocked, AuthenticationFailed, Conflict, ValidationFailed
from ketacare.core.lockout import LockoutPolicy, after_failure, is_locked
from ketacare.core.permissions import Action
from ketacare.db.models import RoleGrant, RoleMfaPolicy, StaffUser
from ketacare.services import audit, staff
from ketacare.services.context import Actor

ISSUER = "ketacare"
_WRONG_CODE = "That code is not right, or was already used. Enter the code your app shows now."
_WRONG_PASSWORD = "The password is not right."  # noqa: S105  (a message)


def required_by_policy(db: Session, user: StaffUser) -> bool:
    """True when some role the user holds (at any site) is one the admin made MFA mandatory for."""
    roles = select(RoleGrant.role).where(RoleGrant.staff_user_id == user.id)
    hit = db.scalar(
        select(RoleMfaPolicy.id).where(
            RoleMfaPolicy.organization_id == user.organization_id,
            RoleMfaPolicy.mfa_required.is_(True),
            RoleMfaPolicy.role.in_(roles),
        )
    )
    return hit is not None


def needs_code(db: Session, user: StaffUser) -> bool:
    """Signing in takes a one-time code: the user turned it on, or their role requires it."""
    return user.totp_enabled or required_by_policy(db, user)


def begin_enrolment(db: Session, actor: Actor, user: StaffUser) -> str:
    """Store a fresh, not yet active secret and return it for the QR code and manual entry."""
    if user.totp_enabled:
        raise Conflict("One-time codes are already on for this account.", field="code")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"totp": "pending"})
    return user.totp_secret


def provisioning_uri(user: StaffUser) -> str:
    """The ``otpauth://`` address authenticator apps read from the QR code."""
    if user.totp_secret is None:
        raise Conflict("Start setting up one-time codes first.", field="code")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(db: Session, actor: Actor, user: StaffUser, code: str) -> None:
    """Turn codes on once ``code`` matches the pending secret; the code counts as used."""
    if user.totp_enabled or user.totp_secret is None:
        raise Conflict("There is no one-time code set-up waiting to be confirmed.", field="code")
    step = _matching_step(user.totp_secret, code, actor.at)
    if step is None:
        raise ValidationFailed({"code": _WRONG_CODE})
    user.totp_enabled, user.totp_last_step = True, step
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"totp": "enabled"})


def verify_sign_in_code(
    db: Session, actor: Actor, user: StaffUser, code: str, policy: LockoutPolicy
) -> None:
    """Accept a fresh code for an enrolled user; count a wrong or reused one like a bad password.

    Failures are committed by the caller even though this raises, so lockout cannot be dodged.
    """
    if is_locked(user.locked_until, actor.at):
        assert user.locked_until is not None
        raise AccountLocked(user.locked_until)
    step = _matching_step(user.totp_secret or "", code, actor.at) if user.totp_enabled else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        user.failed_sign_ins, user.locked_until = after_failure(
            user.failed_sign_ins, actor.at, policy
        )
        audit.record(
            db, actor, AuditAction.SIGN_IN_FAILED, "staff_user", user.id, detail={"step": "code"}
        )
        if is_locked(user.locked_until, actor.at):
            assert user.locked_until is not None
            raise AccountLocked(user.locked_until)
        raise AuthenticationFailed(_WRONG_CODE)
    user.totp_last_step = step
    user.failed_sign_ins, user.locked_until = 0, None


def disable(db: Session, actor: Actor, user: StaffUser, password: str) -> None:
    """Turn codes off after re-checking the password; refused while a role policy requires them."""
    if not staff.PASSWORDS.verify(password, user.password_hash):
        raise ValidationFailed({"disable_password": _WRONG_PASSWORD})
    if required_by_policy(db, user):
        raise ValidationFailed(
            {"disable_password": "Your clinic requires one-time codes for your role."}
        )
    user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"totp": "disabled"})


def policy_roles(db: Session, organization_id: int) -> frozenset[Role]:
    """The roles whose staff must use one-time codes."""
    rows = db.scalars(
        select(RoleMfaPolicy.role).where(
            RoleMfaPolicy.organization_id == organization_id,
            RoleMfaPolicy.mfa_required.is_(True),
        )
    )
    return frozenset(Role(r) for r in rows)


def set_policy(db: Session, actor: Actor, organization_id: int, roles: Iterable[Role]) -> None:
    """Make one-time codes mandatory for exactly ``roles``; audited with the new list."""
    actor.require(Action.MANAGE_STAFF)
    wanted = set(roles)
    existing = {
        row.role: row
        for row in db.scalars(
            select(RoleMfaPolicy).where(RoleMfaPolicy.organization_id == organization_id)
        )
    }
    for role in Role:
        row = existing.get(role.value)
        if row is None and role in wanted:
            db.add(
                RoleMfaPolicy(organization_id=organization_id, role=role.value, mfa_required=True)
            )
        elif row is not None:
            row.mfa_required = role in wanted
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.UPDATE,
        "role_mfa_policy",
        organization_id,
        detail={"required_for": sorted(r.value for r in wanted)},
    )


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time step whose code equals ``code``: now, or one step either side for clock drift."""
    code = "".join(code.split())
    if not secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    for step in (now_step, now_step - 1, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
