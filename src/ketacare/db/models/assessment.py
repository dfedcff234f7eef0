"""Assessment before treatment: intake versions, eligibility decisions, consent documents and
signatures.

Facts, findings and risk lists are JSON in Text columns: they are read whole, never queried
inside, and stay portable between SQLite and PostgreSQL. Signed rows (decisions, consent
documents, signatures) are never edited: a change is a new row, and the only later writes are the
marks that end a row's validity (a decision invalidated by a new intake, a withdrawn consent).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ketacare.db.schema import Base, UTCDateTime


class Intake(Base):
    """One version of a patient's intake; a draft until completed, then never changed."""

    __tablename__ = "intake"
    __table_args__ = (UniqueConstraint("patient_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    facts: Mapped[str] = mapped_column(Text, default="{}")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)


class EligibilityDecision(Base):
    """A prescriber's signed decision for one protocol, with the findings and facts it rested on."""

    __tablename__ = "eligibility_decision"
    __table_args__ = (
        Index("ix_eligibility_decision_patient", "patient_id", "protocol_code", "signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"))
    protocol_code: Mapped[str] = mapped_column(String(40))
    recommendation: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(30))
    findings: Mapped[str] = mapped_column(Text)
    facts_read: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    override_justification: Mapped[str] = mapped_column(Text, default="")
    overrides_absolute: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set when a completed intake changed a fact this decision read; says which ones.
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    invalidated_reason: Mapped[str] = mapped_column(Text, default="")


class ConsentDocument(Base):
    """One version of a protocol's consent text; editing publishes a new version."""

    __tablename__ = "consent_document"
    __table_args__ = (UniqueConstraint("organization_id", "protocol_code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    protocol_code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # [{"code": "dissociation", "text": "..."}, ...] in the order the patient reads them.
    key_risks: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ConsentSignature(Base):
    """A patient's signature of one document version, witnessed by staff; only withdrawal is
    ever written afterwards (re-consent is a new row)."""

    __tablename__ = "consent_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    consent_document_id: Mapped[int] = mapped_column(ForeignKey("consent_document.id"))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date] = mapped_column(Date)
    risks_acknowledged: Mapped[str] = mapped_column(Text)
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), nullable=True)
