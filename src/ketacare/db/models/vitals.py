"""Vital-sign readings (typed by hand or streamed from bedside monitors), the alerts rules raise on
them, every inbound monitor message as received, and the clinic's alert thresholds.

Readings keep the device's observation time and the time ketacare received them: charts use the
first, "monitor silent" the second. An invalid reading (a sentinel or status X) is kept, flagged,
and never raises or clears an alert.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class Reading(Base):
    __tablename__ = "reading"
    __table_args__ = (Index("ix_reading_treatment_observed", "treatment_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), nullable=True)
    vital: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    valid: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_received: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(10))
    device_id: Mapped[str] = mapped_column(String(32), default="")
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    inbound_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_message.id"), nullable=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)


class VitalAlert(Base):
    """An alert on a treatment: a threshold crossed, a silent monitor, or a symptom."""

    __tablename__ = "vital_alert"
    __table_args__ = (
        Index("ix_vital_alert_site_raised", "site_id", "raised_at"),
        Index("ix_vital_alert_treatment", "treatment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    reading_id: Mapped[int | None] = mapped_column(ForeignKey("reading.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    vital: Mapped[str | None] = mapped_column(String(20), nullable=True)
    level: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id"), nullable=True
    )
    action: Mapped[str] = mapped_column(Text, default="")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Set when the vital came back within limits: an alert is open until cleared, so a breach
    # that goes on after it was acknowledged does not raise it again with every reading.
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class InboundMessage(Base):
    """One HL7 message as received, with the answer given (AA, AE, AR) and why."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    peer: Mapped[str] = mapped_column(String(100), default="")
    control_id: Mapped[str] = mapped_column(String(60), default="")
    result: Mapped[str] = mapped_column(String(2))
    detail: Mapped[str] = mapped_column(Text, default="")
    raw: Mapped[str] = mapped_column(Text)
    treatment_id: Mapped[int | None] = mapped_column(ForeignKey("treatment.id"), nullable=True)


class AlertThreshold(Base):
    """A clinic's limit for one vital at one level (hold, warn, act) under one protocol code."""

    __tablename__ = "alert_threshold"
    __table_args__ = (UniqueConstraint("organization_id", "protocol_code", "vital", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    protocol_code: Mapped[str] = mapped_column(String(60))
    vital: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    low: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    high: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TreatmentSettings(Base):
    """The organization's treatment-day settings; none is a clinical value."""

    __tablename__ = "treatment_settings"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), primary_key=True)
    escalate_after_min: Mapped[int] = mapped_column(Integer)
    inbound_retention_days: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
