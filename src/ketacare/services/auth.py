"""Signing in and out: password check with lockout, and server-side login sessions.

The cookie carries a random token; only its SHA-256 is stored, so a copy of the database cannot
be replayed as a cookie. Sessions end after ``session_idle_minutes`` without use or
``session_absolute_hours`` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction
from ketacare.core.errors import AccountLocked, AuthenticationFailed, NotFound, ValidationFailed
from ketacare.core.lockout import LockoutPolicy, after_failure, is_locked
from ketacare.core.passwords import check_new_password
from ketacare.core.permissions import Action, Principal
from ketacare.db.models import AccessToken, LoginSession, StaffUser
from ketacare.services import audit, staff
from ketacare.services.context import Actor

_WRONG = "The email or password is not right. Check both and try again."
# A hash to verify against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = staff.PASSWORDS.hash("not-a-real-password-for-timing")


@dataclass(frozen=True)
class SessionTimeouts:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class SignedIn:
    """A live login session: the cookie token (only at creation), the row and its principal."""

    token: str
    login_session: LoginSession
    principal: Principal


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(
    db: Session, actor: Actor, email: str, password: str, policy: LockoutPolicy
) -> StaffUser:
    """Return the user when the password is right; count failures and lock per ``policy``.

    Failures are committed by the caller even though this raises, so lockout cannot be dodged.
    """
    user = db.scalar(select(StaffUser).where(StaffUser.email == staff.normalise_email(email)))
    if user is None or not user.active:
        staff.PASSWORDS.verify(password, _DUMMY_HASH)
        audit.record(
            db, actor, AuditAction.SIGN_IN_FAILED, "staff_user", detail={"reason": "unknown"}
        )
        raise AuthenticationFailed(_WRONG)
    if is_locked(user.locked_until, actor.at):
        assert user.locked_until is not None
        raise AccountLocked(user.locked_until)
    valid, new_hash = staff.PASSWORDS.verify_and_update(password, user.password_hash)
    if not valid:
        user.failed_sign_ins, user.locked_until = after_failure(
            user.failed_sign_ins, actor.at, policy
        )
        audit.record(db, actor, AuditAction.SIGN_IN_FAILED, "staff_user", user.id)
        if user.locked_until is not None and is_locked(user.locked_until, actor.at):
            raise AccountLocked(user.locked_until)
        raise AuthenticationFailed(_WRONG)
    if new_hash is not None:
        user.password_hash = new_hash
    user.failed_sign_ins, user.locked_until = 0, None
    return user


def start_session(
    db: Session, actor: Actor, user: StaffUser, timeouts: SessionTimeouts, *, mfa_passed: bool
) -> SignedIn:
    """Open a login session for ``user``; ``mfa_passed`` is False until a one-time code is given."""
    token = secrets.token_urlsafe(32)
    row = LoginSession(
        token_hash=token_digest(token),
        staff_user_id=user.id,
        created_at=actor.at,
        last_seen_at=actor.at,
        expires_at=actor.at + timeouts.absolute,
        mfa_passed=mfa_passed,
        ip_address=actor.ip_address,
    )
    db.add(row)
    db.flush()
    if mfa_passed:
        audit.record(db, actor, AuditAction.SIGN_IN, "login_session", row.id)
    return SignedIn(token, row, staff.principal_for(db, user))


def resume_session(
    db: Session, token: str, at: datetime, timeouts: SessionTimeouts
) -> tuple[LoginSession, StaffUser] | None:
    """The live session for a cookie token, touched; None if unknown, ended, idle or expired."""
    row = db.scalar(select(LoginSession).where(LoginSession.token_hash == token_digest(token)))
    if row is None or row.ended_at is not None:
        return None
    if at >= row.expires_at or at - row.last_seen_at >= timeouts.idle:
        row.ended_at = at
        return None
    user = db.get(StaffUser, row.staff_user_id)
    if user is None or not user.active:
        row.ended_at = at
        return None
    row.last_seen_at = at
    return row, user


def pending_session(
    db: Session, token: str, at: datetime, timeouts: SessionTimeouts
) -> tuple[LoginSession, StaffUser] | None:
    """A live session still waiting for its one-time code; None for any other cookie."""
    live = resume_session(db, token, at, timeouts)
    if live is None or live[0].mfa_passed:
        return None
    return live


def complete_mfa(db: Session, actor: Actor, row: LoginSession) -> str:
    """Mark the session as past its one-time code, under a new cookie token; audits the sign-in.

    The token changes because the session gains rights: a token seen before the code was given
    must not become a full login session.
    """
    token = secrets.token_urlsafe(32)
    row.token_hash = token_digest(token)
    row.mfa_passed = True
    audit.record(db, actor, AuditAction.SIGN_IN, "login_session", row.id)
    return token


def end_session(db: Session, actor: Actor, row: LoginSession) -> None:
    """Sign out: the session is ended at once, server-side."""
    row.ended_at = actor.at
    audit.record(db, actor, AuditAction.SIGN_OUT, "login_session", row.id)


@dataclass(frozen=True)
class PasswordChange:
    """What the change-password form sends."""

    current: str
    new: str
    confirm: str


def change_password(
    db: Session, actor: Actor, user: StaffUser, change: PasswordChange, keep: LoginSession | None
) -> None:
    """Replace the user's password after re-checking the current one.

    Every other login session of the user ends, so a session opened with the old password (perhaps
    by someone else) does not outlive the change; ``keep`` is the session making the change.
    """
    if not staff.PASSWORDS.verify(change.current, user.password_hash):
        raise ValidationFailed({"current_password": "The current password is not right."})
    check_new_password(change.new, user.email, field="new_password")
    if change.new != change.confirm:
        raise ValidationFailed({"confirm_password": "The two new passwords do not match."})
    user.password_hash = staff.PASSWORDS.hash(change.new)
    _end_sessions(db, actor, user, keep)
    audit.record(db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"password": True})


def reset_password(db: Session, actor: Actor, user: StaffUser, new_password: str) -> None:
    """An admin sets a new password for someone who forgot theirs.

    The person's login sessions all end and any lockout is lifted; tell them the password in
    person and ask them to change it on their account page.
    """
    actor.require(Action.MANAGE_STAFF)
    check_new_password(new_password, user.email, field="new_password")
    user.password_hash = staff.PASSWORDS.hash(new_password)
    user.failed_sign_ins, user.locked_until = 0, None
    _end_sessions(db, actor, user, keep=None)
    audit.record(
        db, actor, AuditAction.UPDATE, "staff_user", user.id, detail={"password_reset": True}
    )


def _end_sessions(db: Session, actor: Actor, user: StaffUser, keep: LoginSession | None) -> None:
    live = select(LoginSession).where(
        LoginSession.staff_user_id == user.id, LoginSession.ended_at.is_(None)
    )
    for row in db.scalars(live):
        if keep is None or row.id != keep.id:
            row.ended_at = actor.at


ACCESS_TOKEN_PREFIX = "kc_"  # noqa: S105  (a label, not a secret)


@dataclass(frozen=True)
class IssuedToken:
    """A new personal access token: ``token`` is shown to its owner once and never stored."""

    token: str
    row: AccessToken


def issue_access_token(db: Session, actor: Actor, user: StaffUser, name: str) -> IssuedToken:
    """Create an API token for ``user``; only its digest and a short prefix are kept."""
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "Name the token after where it is used, e.g. 'reporting'."})
    token = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = AccessToken(
        staff_user_id=user.id,
        name=name[:100],
        token_hash=token_digest(token),
        prefix=token[:10],
        created_at=actor.at,
    )
    db.add(row)
    db.flush()
    audit.record(db, actor, AuditAction.CREATE, "access_token", row.id)
    return IssuedToken(token, row)


def revoke_access_token(db: Session, actor: Actor, user: StaffUser, token_id: int) -> None:
    """Revoke one of ``user``'s own tokens; it stops working at once."""
    row = db.get(AccessToken, token_id)
    if row is None or row.staff_user_id != user.id:
        raise NotFound("No such token on your account.")
    if row.revoked_at is None:
        row.revoked_at = actor.at
        audit.record(
            db, actor, AuditAction.UPDATE, "access_token", row.id, detail={"revoked": True}
        )


def access_tokens_of(db: Session, user: StaffUser) -> Sequence[AccessToken]:
    return db.scalars(
        select(AccessToken)
        .where(AccessToken.staff_user_id == user.id)
        .order_by(AccessToken.created_at.desc())
    ).all()


def user_for_access_token(db: Session, token: str, at: datetime) -> StaffUser | None:
    """The active owner of a live (unrevoked) token, or None."""
    row = db.scalar(select(AccessToken).where(AccessToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = db.get(StaffUser, row.staff_user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = at
    return user
