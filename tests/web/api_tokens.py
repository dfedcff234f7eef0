"""Personal access tokens for API tests, issued through the real service (no sign-in form)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.services import auth, staff
from ketacare.services.context import Actor


def issue_token(sessions: sessionmaker[Session], email: str) -> str:
    """A live token for ``email``'s account, as the account page would show it once."""
    with sessions() as db, db.begin():
        user = staff.by_email(db, email)
        actor = Actor(staff.principal_for(db, user), datetime.now(UTC))
        return auth.issue_access_token(db, actor, user, "tests").token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count(sessions: sessionmaker[Session], model: type) -> int:
    """How many rows ``model`` has now, read in a fresh transaction."""
    with sessions() as db:
        return db.scalar(select(func.count()).select_from(model)) or 0
