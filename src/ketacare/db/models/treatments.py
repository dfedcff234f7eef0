"""The treatment day: one dosing visit and what happens in it, from check-in to discharge.

A treatment's state changes only through the state machine in ``core/treatments.py``; every change
is a ``TreatmentEvent`` row as well, so the visit can be replayed. Checks, orders, administrations,
interventions, adverse events and notes are added, never edited: a correction is a new row.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class Treatment(Base):
    __tablename__ = "treatment"
    __table_args__ = (Index("ix_treatment_site_state", "site_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"), nullable=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment.id"), nullable=True, unique=True
    )
    protocol_version_id: Mapped[int] = mapped_column(ForeignKey("protocol_version.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), nullable=True)
    state: Mapped[str] = mapped_column(String(30))
    abort_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dosing_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    dosing_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    observation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    aborted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TreatmentEvent(Base):
    """One state change, who made it and when (``detail``: JSON, e.g. an abort reason)."""

    __tablename__ = "treatment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


class TreatmentCheck(Base):
    """A pre-dose or discharge check confirmed, waived or overridden (the latest row counts)."""

    __tablename__ = "treatment_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DoseOrder(Base):
    """The prescriber's order for one treatment, with the arithmetic that made it."""

    __tablename__ = "dose_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    dose: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    dose_unit: Mapped[str] = mapped_column(String(20))
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), nullable=True)
    weight_basis: Mapped[str | None] = mapped_column(String(20), nullable=True)
    dosing_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), nullable=True)
    dose_mg: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    duration_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stock_mg_per_ml: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    bag_ml: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    rate_ml_per_h: Mapped[Decimal | None] = mapped_column(Numeric(8, 1), nullable=True)
    devices: Mapped[int | None] = mapped_column(Integer, nullable=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    second_signature_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id"), nullable=True
    )
    ordered_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Administration(Base):
    """What was given: product, lot (the ledger's lot when there is one), dose, times, by whom."""

    __tablename__ = "administration"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    product: Mapped[str] = mapped_column(String(200))
    lot_number: Mapped[str] = mapped_column(String(60))
    lot_expiry: Mapped[date] = mapped_column(Date)
    ledger_lot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    route: Mapped[str] = mapped_column(String(20))
    dose_mg: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    rate_ml_per_h: Mapped[Decimal | None] = mapped_column(Numeric(8, 1), nullable=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    administered_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AdministrationEvent(Base):
    """A pump or device event: start, rate change, pause, resume, stop, or one nasal device."""

    __tablename__ = "administration_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    administration_id: Mapped[int] = mapped_column(ForeignKey("administration.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    rate_ml_per_h: Mapped[Decimal | None] = mapped_column(Numeric(8, 1), nullable=True)
    device_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)


class Intervention(Base):
    """A PRN medication or other action during the treatment (§4.3), with dose and time."""

    __tablename__ = "intervention"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    medication: Mapped[str] = mapped_column(String(200))
    dose_value: Mapped[Decimal | None] = mapped_column(Numeric(10, 3), nullable=True)
    dose_unit: Mapped[str] = mapped_column(String(20), default="")
    route: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)


class AdverseEvent(Base):
    """An adverse event: what, how serious and severe, its outcome and the action taken."""

    __tablename__ = "adverse_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    serious: Mapped[bool] = mapped_column(Boolean, default=False)
    severity_grade: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(Text, default="")
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TreatmentNote(Base):
    __tablename__ = "treatment_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class DischargeAssessment(Base):
    """The discharge criteria as assessed (JSON), optional Aldrete / PADSS totals, the sign-off."""

    __tablename__ = "discharge_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), index=True)
    criteria: Mapped[str] = mapped_column(Text, default="{}")
    aldrete_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    padss_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    instructions_given: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
