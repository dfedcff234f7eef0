"""add measurement-based care: responses, portal links, safety alerts, schedules, cut-offs

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_cutoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("instrument_code", sa.String(length=30), nullable=False),
        sa.Column("remission_operator", sa.String(length=2), nullable=True),
        sa.Column("remission_value", sa.Integer(), nullable=True),
        sa.Column("response_drop_percent", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["staff_user.id"],
            name=op.f("fk_outcome_cutoff_changed_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_outcome_cutoff_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_cutoff")),
        sa.UniqueConstraint(
            "organization_id",
            "instrument_code",
            name=op.f("uq_outcome_cutoff_organization_id_instrument_code"),
        ),
    )
    op.create_table(
        "instrument_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("instrument_code", sa.String(length=30), nullable=False),
        sa.Column("rule", sa.String(length=30), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_instrument_schedule_created_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_instrument_schedule_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_instrument_schedule_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_schedule")),
    )
    with op.batch_alter_table("instrument_schedule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instrument_schedule_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "portal_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("instrument_codes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("draft_answers", sa.Text(), nullable=False),
        sa.Column("dob_confirmed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_dob_attempts", sa.Integer(), nullable=False),
        sa.Column("emailed_to", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_portal_link_created_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_portal_link_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_portal_link_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_link_token_hash")),
    )
    with op.batch_alter_table("portal_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_link_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "instrument_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("instrument_code", sa.String(length=30), nullable=False),
        sa.Column("instrument_version", sa.String(length=100), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("band", sa.String(length=30), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("time_point", sa.String(length=20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("portal_link_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff_user.id"],
            name=op.f("fk_instrument_response_entered_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_instrument_response_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["portal_link_id"],
            ["portal_link.id"],
            name=op.f("fk_instrument_response_portal_link_id_portal_link"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_instrument_response_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_response")),
    )
    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instrument_response_patient",
            ["patient_id", "instrument_code", "completed_at"],
            unique=False,
        )

    op.create_table(
        "safety_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("action_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff_user.id"],
            name=op.f("fk_safety_alert_acknowledged_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_safety_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["instrument_response.id"],
            name=op.f("fk_safety_alert_response_id_instrument_response"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_safety_alert_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_alert")),
    )
    with op.batch_alter_table("safety_alert", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_alert_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            "ix_safety_alert_site_open", ["site_id", "acknowledged_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("safety_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_alert_site_open")
        batch_op.drop_index(batch_op.f("ix_safety_alert_patient_id"))

    op.drop_table("safety_alert")
    with op.batch_alter_table("instrument_response", schema=None) as batch_op:
        batch_op.drop_index("ix_instrument_response_patient")

    op.drop_table("instrument_response")
    with op.batch_alter_table("portal_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_link_patient_id"))

    op.drop_table("portal_link")
    with op.batch_alter_table("instrument_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_schedule_patient_id"))

    op.drop_table("instrument_schedule")
    op.drop_table("outcome_cutoff")
