"""Background jobs (appointment e-mails and reminders) kept in the database, so that a restart
loses none: a worker claims a due job by moving it from ``pending`` to ``running`` with a lease,
and a job whose lease ran out (its worker died) is claimed again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class Job(Base):
    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_due", "status", "run_at"),
        Index("ix_job_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # What the job is about, e.g. "appointment:42": lets a move or cancel find and drop its jobs.
    subject: Mapped[str] = mapped_column(String(60), default="")
    payload: Mapped[str] = mapped_column(Text, default="{}")
    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
