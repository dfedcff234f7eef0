"""Measurement-based care: completed instruments, portal links, safety alerts, schedules and the
clinic's outcome cut-offs.

Answers, flags and instrument lists are JSON in Text columns: they are read whole, never queried
inside, and stay portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class InstrumentResponse(Base):
    """One completed instrument with its score as computed when it was stored (never rescored)."""

    __tablename__ = "instrument_response"
    __table_args__ = (
        Index("ix_instrument_response_patient", "patient_id", "instrument_code", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    instrument_code: Mapped[str] = mapped_column(String(30))
    instrument_version: Mapped[str] = mapped_column(String(100))
    answers: Mapped[str] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    band: Mapped[str] = mapped_column(String(30), default="")
    flags: Mapped[str] = mapped_column(Text, default="[]")
    time_point: Mapped[str] = mapped_column(String(20))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    portal_link_id: Mapped[int | None] = mapped_column(ForeignKey("portal_link.id"), nullable=True)


class PortalLink(Base):
    """A one-time questionnaire link; only the SHA-256 of its token is kept."""

    __tablename__ = "portal_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    instrument_codes: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    spent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # {code: [answer or null, ...]}: saved answer by answer so a dropped connection loses nothing.
    draft_answers: Mapped[str] = mapped_column(Text, default="{}")
    dob_confirmed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_dob_attempts: Mapped[int] = mapped_column(Integer, default=0)
    emailed_to: Mapped[str] = mapped_column(Text, default="")


class SafetyAlert(Base):
    """A response that needs a clinician's attention; open until acknowledged with a note."""

    __tablename__ = "safety_alert"
    __table_args__ = (Index("ix_safety_alert_site_open", "site_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    response_id: Mapped[int] = mapped_column(ForeignKey("instrument_response.id"))
    reason: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(20))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id"), nullable=True
    )
    action_note: Mapped[str] = mapped_column(Text, default="")


class InstrumentSchedule(Base):
    """Which instrument a patient is due to complete, and by which rule."""

    __tablename__ = "instrument_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    instrument_code: Mapped[str] = mapped_column(String(30))
    rule: Mapped[str] = mapped_column(String(30))
    interval_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutcomeCutoff(Base):
    """A clinic's own remission and response cut-off for one instrument, overriding the default."""

    __tablename__ = "outcome_cutoff"
    __table_args__ = (UniqueConstraint("organization_id", "instrument_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    instrument_code: Mapped[str] = mapped_column(String(30))
    # All three null together mean "no rule" (e.g. C-SSRS has neither remission nor response).
    remission_operator: Mapped[str | None] = mapped_column(String(2), nullable=True)
    remission_value: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_drop_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
