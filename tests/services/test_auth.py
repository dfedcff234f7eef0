"""Password checks with lockout, login-session timeouts, one-time codes and access tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import Role
from ketacare.core.errors import (
    AccountLocked,
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ketacare.core.lockout import LockoutPolicy
from ketacare.db.models import AuditEvent, LoginSession, StaffUser
from ketacare.services import auth, mfa, staff
from ketacare.services.context import Actor
from tests.factories import PASSWORD, Clinic

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # the start of a 30-second time step
POLICY = LockoutPolicy(threshold=3, minutes=15)
TIMEOUTS = auth.SessionTimeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


def actor_for(db: Session, email: str, at: datetime = NOW) -> Actor:
    return Actor(staff.principal_for(db, staff.by_email(db, email)), at, "10.0.0.9")


def anonymous(at: datetime = NOW) -> Actor:
    return Actor(None, at, "10.0.0.9")


def test_the_right_password_returns_the_user_and_clears_past_failures(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        with pytest.raises(AuthenticationFailed):
            auth.check_password(db, anonymous(), email, "wrong", POLICY)
        assert staff.by_email(db, email).failed_sign_ins == 1
        user = auth.check_password(db, anonymous(), email, PASSWORD, POLICY)
        assert (user.email, user.failed_sign_ins) == (email, 0)


def test_the_threshold_failure_locks_until_the_policy_minutes_have_passed(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        for _ in range(POLICY.threshold - 1):
            with pytest.raises(AuthenticationFailed) as raised:
                auth.check_password(db, anonymous(), email, "wrong", POLICY)
            assert not isinstance(raised.value, AccountLocked)
        with pytest.raises(AccountLocked) as locked:
            auth.check_password(db, anonymous(), email, "wrong", POLICY)
        assert locked.value.until == NOW + timedelta(minutes=15)
        assert "It unlocks at 2026-03-02 10:15 UTC" in str(locked.value)
        failures = db.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in_failed"))
        assert len(failures.all()) == POLICY.threshold


def test_a_locked_account_refuses_the_right_password_until_the_lock_ends(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        staff.by_email(db, email).locked_until = NOW + timedelta(minutes=15)
        with pytest.raises(AccountLocked):
            auth.check_password(db, anonymous(NOW + timedelta(minutes=14)), email, PASSWORD, POLICY)
        later = anonymous(NOW + timedelta(minutes=15))
        assert auth.check_password(db, later, email, PASSWORD, POLICY).locked_until is None


def open_session(db: Session, email: str, *, mfa_passed: bool = True) -> auth.SignedIn:
    user = staff.by_email(db, email)
    return auth.start_session(db, actor_for(db, email), user, TIMEOUTS, mfa_passed=mfa_passed)


@pytest.mark.parametrize(
    ("later", "live"),
    [
        (timedelta(minutes=29, seconds=59), True),
        (timedelta(minutes=30), False),
    ],
)
def test_a_session_ends_after_the_idle_timeout(sessions, clinic: Clinic, later, live):
    with sessions() as db, db.begin():
        signed = open_session(db, clinic.users[Role.NURSE])
        resumed = auth.resume_session(db, signed.token, NOW + later, TIMEOUTS)
        assert (resumed is not None) is live
        assert (signed.login_session.ended_at is None) is live


def test_use_keeps_a_session_alive_only_until_its_absolute_lifetime(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        signed = open_session(db, clinic.users[Role.NURSE])
        at = NOW
        while at < NOW + TIMEOUTS.absolute - timedelta(minutes=20):
            at += timedelta(minutes=20)
            assert auth.resume_session(db, signed.token, at, TIMEOUTS) is not None
        assert auth.resume_session(db, signed.token, NOW + TIMEOUTS.absolute, TIMEOUTS) is None


def test_finishing_the_code_step_rotates_the_cookie_token_and_audits_the_sign_in(
    sessions, clinic: Clinic
):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        signed = open_session(db, email, mfa_passed=False)
        assert auth.pending_session(db, signed.token, NOW, TIMEOUTS) is not None
        new_token = auth.complete_mfa(db, actor_for(db, email), signed.login_session)
        assert auth.resume_session(db, signed.token, NOW, TIMEOUTS) is None
        assert auth.pending_session(db, new_token, NOW, TIMEOUTS) is None
        live = auth.resume_session(db, new_token, NOW, TIMEOUTS)
        assert live is not None
        assert live[0].mfa_passed
        event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None
        assert (event.action, event.staff_user_id) == ("sign_in", live[1].id)


def enrolled(db: Session, email: str) -> tuple[StaffUser, pyotp.TOTP]:
    """An enrolled user whose confirming code was the one for the step before ``NOW``."""
    user = staff.by_email(db, email)
    actor = actor_for(db, email, NOW - timedelta(seconds=30))
    totp = pyotp.TOTP(mfa.begin_enrolment(db, actor, user))
    mfa.confirm_enrolment(db, actor, user, totp.at(actor.at))
    return user, totp


@pytest.mark.parametrize("offset_s", [0, 30, 59])
def test_a_code_from_now_or_the_next_step_is_accepted(sessions, clinic: Clinic, offset_s):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user, totp = enrolled(db, email)
        code = totp.at(NOW + timedelta(seconds=offset_s))
        mfa.verify_sign_in_code(db, actor_for(db, email), user, code, POLICY)
        assert user.failed_sign_ins == 0


@pytest.mark.parametrize(
    ("label", "offset_s"),
    [("already used", -30), ("two steps old", -60), ("two steps ahead", 60)],
)
def test_a_used_or_out_of_window_code_is_refused_and_counted(
    sessions, clinic: Clinic, label, offset_s
):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user, totp = enrolled(db, email)
        code = totp.at(NOW + timedelta(seconds=offset_s))
        with pytest.raises(AuthenticationFailed):
            mfa.verify_sign_in_code(db, actor_for(db, email), user, code, POLICY)
        assert user.failed_sign_ins == 1, label


def test_the_same_code_cannot_be_used_twice(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user, totp = enrolled(db, email)
        mfa.verify_sign_in_code(db, actor_for(db, email), user, totp.at(NOW), POLICY)
        with pytest.raises(AuthenticationFailed, match="already used"):
            mfa.verify_sign_in_code(db, actor_for(db, email), user, totp.at(NOW), POLICY)


def test_wrong_codes_lock_the_account_like_wrong_passwords(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user, totp = enrolled(db, email)
        for _ in range(POLICY.threshold - 1):
            with pytest.raises(AuthenticationFailed):
                mfa.verify_sign_in_code(db, actor_for(db, email), user, "000000", POLICY)
        with pytest.raises(AccountLocked):
            mfa.verify_sign_in_code(db, actor_for(db, email), user, "000000", POLICY)
        with pytest.raises(AccountLocked):
            mfa.verify_sign_in_code(db, actor_for(db, email), user, totp.at(NOW), POLICY)


def test_enrolment_stays_off_until_a_right_code_confirms_it(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        secret = mfa.begin_enrolment(db, actor_for(db, email), user)
        assert not mfa.needs_code(db, user)
        assert "issuer=ketacare" in mfa.provisioning_uri(user)
        with pytest.raises(ValidationFailed):
            mfa.confirm_enrolment(db, actor_for(db, email), user, "12 34 56x")
        assert not user.totp_enabled
        mfa.confirm_enrolment(db, actor_for(db, email), user, pyotp.TOTP(secret).at(NOW))
        assert mfa.needs_code(db, user)


def test_the_mfa_policy_is_for_admins_and_applies_to_roles_at_any_site(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        with pytest.raises(PermissionDenied):
            mfa.set_policy(
                db, actor_for(db, clinic.users[Role.NURSE]), clinic.organization_id, [Role.NURSE]
            )
        admin = actor_for(db, clinic.users[Role.ADMIN])
        mfa.set_policy(db, admin, clinic.organization_id, [Role.NURSE])
        assert mfa.required_by_policy(db, staff.by_email(db, clinic.south_nurse_email))
        assert not mfa.required_by_policy(db, staff.by_email(db, clinic.users[Role.THERAPIST]))
        mfa.set_policy(db, admin, clinic.organization_id, [])
        assert not mfa.required_by_policy(db, staff.by_email(db, clinic.south_nurse_email))


def test_changing_the_password_ends_every_other_session_of_the_user(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        kept, other = open_session(db, email), open_session(db, email)
        change = auth.PasswordChange(PASSWORD, "another long passphrase", "another long passphrase")
        user = staff.by_email(db, email)
        auth.change_password(db, actor_for(db, email), user, change, kept.login_session)
        ended = db.scalars(select(LoginSession.id).where(LoginSession.ended_at.is_not(None)))
        assert ended.all() == [other.login_session.id]
        assert staff.PASSWORDS.verify("another long passphrase", user.password_hash)


def test_an_access_token_finds_its_owner_until_it_is_revoked(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        issued = auth.issue_access_token(db, actor_for(db, email), user, " reporting ")
        assert issued.token.startswith(issued.row.prefix)
        assert auth.user_for_access_token(db, issued.token, NOW) is user
        assert issued.row.last_used_at == NOW
        assert auth.user_for_access_token(db, issued.token + "x", NOW) is None
        auth.revoke_access_token(db, actor_for(db, email), user, issued.row.id)
        assert auth.user_for_access_token(db, issued.token, NOW) is None
        assert [t.name for t in auth.access_tokens_of(db, user)] == ["reporting"]


def test_a_token_stops_working_when_its_owner_is_disabled(sessions, clinic: Clinic):
    email = clinic.users[Role.NURSE]
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        issued = auth.issue_access_token(db, actor_for(db, email), user, "reporting")
        staff.set_active(db, actor_for(db, clinic.users[Role.ADMIN]), user, False)
        assert auth.user_for_access_token(db, issued.token, NOW) is None


def test_nobody_can_revoke_another_users_token(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        nurse = staff.by_email(db, clinic.users[Role.NURSE])
        issued = auth.issue_access_token(db, actor_for(db, nurse.email), nurse, "reporting")
        other = staff.by_email(db, clinic.users[Role.PRESCRIBER])
        with pytest.raises(NotFound):
            auth.revoke_access_token(db, actor_for(db, other.email), other, issued.row.id)
