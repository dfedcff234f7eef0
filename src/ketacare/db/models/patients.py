"""Patients, their weight and height history, and appointments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class Patient(Base):
    """A patient of the organization, with a home site; MRN is unique per organization."""

    __tablename__ = "patient"
    __table_args__ = (
        UniqueConstraint("organization_id", "mrn"),
        Index(
            "ix_patient_search_family",
            "organization_id",
            "search_family_name",
            postgresql_ops={"search_family_name": "varchar_pattern_ops"},
        ),
        Index(
            "ix_patient_search_given",
            "organization_id",
            "search_given_name",
            postgresql_ops={"search_given_name": "varchar_pattern_ops"},
        ),
        Index("ix_patient_date_of_birth", "organization_id", "date_of_birth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    mrn: Mapped[str] = mapped_column(String(32))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    # Lower-cased, accent-folded copies of the names, kept for indexed prefix search.
    search_given_name: Mapped[str] = mapped_column(String(100))
    search_family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex_at_birth: Mapped[str] = mapped_column(String(20))
    gender_identity: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    emergency_contact_name: Mapped[str] = mapped_column(String(200), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(32), default="")
    emergency_contact_relation: Mapped[str] = mapped_column(String(50), default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BodyMeasurement(Base):
    """A dated weight and/or height; the history is kept, never overwritten."""

    __tablename__ = "body_measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    measured_on: Mapped[date] = mapped_column(Date)
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), nullable=True)
    height_cm: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Appointment(Base):
    """A booking at a site, in a chair or room. A course's treatments carry the course, phase and
    their place in it; ``revision`` counts changes, for the iCalendar SEQUENCE sent to patients."""

    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_site_starts_at", "site_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("course.id"), nullable=True, index=True
    )
    course_phase: Mapped[str | None] = mapped_column(String(20), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
