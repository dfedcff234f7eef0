"""Protocols as the clinic keeps them (every edit a new, unchangeable version) and courses: one
patient's series of treatments under one protocol version.

A protocol version's body is the whole protocol as JSON (``core/protocols/stored.py``): it is read
whole and never queried inside. A course keeps the version it was ordered under, so a later edit of
the protocol never changes a course already running.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class ProtocolVersion(Base):
    """One version of one of the clinic's protocols; the newest version of a code is current."""

    __tablename__ = "protocol_version"
    __table_args__ = (UniqueConstraint("organization_id", "code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    based_on_code: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    change_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Course(Base):
    """A prescriber's order for a series of treatments: protocol version, dose, start and site.

    ``phase`` is induction, then maintenance once the prescriber decides to continue at the
    end-of-induction review; the decision and the outcome class shown with it are kept here.
    """

    __tablename__ = "course"
    __table_args__ = (Index("ix_course_patient", "patient_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    protocol_version_id: Mapped[int] = mapped_column(ForeignKey("protocol_version.id"))
    status: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    dose: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    dose_unit: Mapped[str] = mapped_column(String(20))
    weight_basis: Mapped[str | None] = mapped_column(String(20), nullable=True)
    per_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    treatments_planned: Mapped[int] = mapped_column(Integer)
    start_on: Mapped[date] = mapped_column(Date)
    preferred_weekdays: Mapped[str] = mapped_column(String(20), default="")
    preferred_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    ordered_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    maintenance_decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    maintenance_outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    maintenance_note: Mapped[str] = mapped_column(Text, default="")
    maintenance_decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id"), nullable=True
    )
    maintenance_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="")
