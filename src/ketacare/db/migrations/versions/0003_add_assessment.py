"""add assessment: intake versions, eligibility decisions, consent documents and signatures

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("protocol_code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("key_risks", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_consent_document_created_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_consent_document_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_document")),
        sa.UniqueConstraint(
            "organization_id",
            "protocol_code",
            "version",
            name=op.f("uq_consent_document_organization_id_protocol_code_version"),
        ),
    )
    op.create_table(
        "consent_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("consent_document_id", sa.Integer(), nullable=False),
        sa.Column("typed_name", sa.String(length=200), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("risks_acknowledged", sa.Text(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_document_id"],
            ["consent_document.id"],
            name=op.f("fk_consent_signature_consent_document_id_consent_document"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_consent_signature_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_consent_signature_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["staff_user.id"],
            name=op.f("fk_consent_signature_withdrawn_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"],
            ["staff_user.id"],
            name=op.f("fk_consent_signature_witness_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_signature")),
    )
    with op.batch_alter_table("consent_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_signature_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["completed_by_id"],
            ["staff_user.id"],
            name=op.f("fk_intake_completed_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_intake_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_intake_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_intake_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
        sa.UniqueConstraint("patient_id", "version", name=op.f("uq_intake_patient_id_version")),
    )
    op.create_table(
        "eligibility_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("protocol_code", sa.String(length=40), nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("facts_read", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("override_justification", sa.Text(), nullable=False),
        sa.Column("overrides_absolute", sa.Boolean(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invalidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invalidated_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intake.id"], name=op.f("fk_eligibility_decision_intake_id_intake")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_eligibility_decision_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["staff_user.id"],
            name=op.f("fk_eligibility_decision_signed_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_eligibility_decision_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_decision")),
    )
    with op.batch_alter_table("eligibility_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_eligibility_decision_patient",
            ["patient_id", "protocol_code", "signed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("eligibility_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_eligibility_decision_patient")

    op.drop_table("eligibility_decision")
    op.drop_table("intake")
    with op.batch_alter_table("consent_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_signature_patient_id"))

    op.drop_table("consent_signature")
    op.drop_table("consent_document")
