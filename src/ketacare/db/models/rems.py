"""SPRAVATO REMS records: each patient's enrolment, and the Patient Monitoring Form for every
esketamine treatment, due within 7 days (clinical-reference §3.9 [REMS-PMF] [REMS-JNJ])."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class RemsEnrolment(Base):
    __tablename__ = "rems_enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), unique=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    rems_patient_id: Mapped[str] = mapped_column(String(40), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RemsForm(Base):
    """The monitoring form's answers (JSON, filled from the record and completed by staff)."""

    __tablename__ = "rems_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment_id: Mapped[int] = mapped_column(ForeignKey("treatment.id"), unique=True)
    data: Mapped[str] = mapped_column(Text, default="{}")
    ready_after_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
