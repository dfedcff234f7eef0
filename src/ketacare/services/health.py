"""Whether the database answers, for the health check a load balancer or monitor polls."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker


def database_answers(sessions: sessionmaker[Session]) -> bool:
    """True when ``SELECT 1`` succeeds; a down or unreadable database is False, not an error.

    It opens its own short transaction, so a failure here never poisons a request's transaction.
    """
    try:
        with sessions() as db:
            answer: object = db.scalar(text("SELECT 1"))
            return answer == 1
    except SQLAlchemyError:
        return False
