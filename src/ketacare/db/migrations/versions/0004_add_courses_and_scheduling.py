"""add courses and scheduling: protocol versions, courses, opening hours, closures, staff rota and
absences, scheduling settings, background jobs; course links on appointments; the oral protocol
code becomes oral_sublingual_ketamine

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.create_index("ix_job_due", ["status", "run_at"], unique=False)
        batch_op.create_index("ix_job_subject", ["subject"], unique=False)

    op.create_table(
        "protocol_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("based_on_code", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("change_note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_protocol_version_created_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_protocol_version_organization_id_organization"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_version")),
        sa.UniqueConstraint(
            "organization_id",
            "code",
            "version",
            name=op.f("uq_protocol_version_organization_id_code_version"),
        ),
    )
    op.create_table(
        "scheduling_settings",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("chairs_per_nurse", sa.Integer(), nullable=False),
        sa.Column("check_in_min", sa.Integer(), nullable=False),
        sa.Column("slot_step_min", sa.Integer(), nullable=False),
        sa.Column("max_shift_days", sa.Integer(), nullable=False),
        sa.Column("reminder_hours_before", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_scheduling_settings_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_scheduling_settings_updated_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_scheduling_settings")),
    )
    op.create_table(
        "site_closure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_site_closure_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_closure")),
        sa.UniqueConstraint("site_id", "closed_on", name=op.f("uq_site_closure_site_id_closed_on")),
    )
    op.create_table(
        "site_opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_site_opening_hours_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_opening_hours")),
        sa.UniqueConstraint(
            "site_id", "weekday", name=op.f("uq_site_opening_hours_site_id_weekday")
        ),
    )
    op.create_table(
        "staff_absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_absence_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_absence")),
    )
    with op.batch_alter_table("staff_absence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_absence_staff_user_id"), ["staff_user_id"], unique=False
        )

    op.create_table(
        "staff_rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_staff_rota_site_id_site")),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_rota_staff_user_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_rota")),
    )
    with op.batch_alter_table("staff_rota", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_rota_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_staff_rota_staff_user_id"), ["staff_user_id"], unique=False
        )

    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("protocol_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("dose", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("dose_unit", sa.String(length=20), nullable=False),
        sa.Column("weight_basis", sa.String(length=20), nullable=True),
        sa.Column("per_week", sa.Integer(), nullable=True),
        sa.Column("treatments_planned", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("preferred_weekdays", sa.String(length=20), nullable=False),
        sa.Column("preferred_time", sa.Time(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ordered_by_id", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("maintenance_decision", sa.String(length=20), nullable=True),
        sa.Column("maintenance_outcome", sa.String(length=40), nullable=True),
        sa.Column("maintenance_note", sa.Text(), nullable=False),
        sa.Column("maintenance_decided_by_id", sa.Integer(), nullable=True),
        sa.Column("maintenance_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["maintenance_decided_by_id"],
            ["staff_user.id"],
            name=op.f("fk_course_maintenance_decided_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["ordered_by_id"], ["staff_user.id"], name=op.f("fk_course_ordered_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_course_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_course_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_version_id"],
            ["protocol_version.id"],
            name=op.f("fk_course_protocol_version_id_protocol_version"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_course_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
    )
    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.create_index("ix_course_patient", ["patient_id", "status"], unique=False)

    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("course_phase", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.create_index(batch_op.f("ix_appointment_course_id"), ["course_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appointment_course_id_course"), "course", ["course_id"], ["id"]
        )
    _rename_protocol_code("oral_ketamine", "oral_sublingual_ketamine")


def _rename_protocol_code(old: str, new: str) -> None:
    """Issue 5 names the oral protocol ``oral_sublingual_ketamine``; stored decisions and consent
    documents follow."""
    for table in ("eligibility_decision", "consent_document"):
        op.execute(
            sa.text(
                f"UPDATE {table} SET protocol_code = :new WHERE protocol_code = :old"  # noqa: S608
            ).bindparams(new=new, old=old)
        )


def downgrade() -> None:
    _rename_protocol_code("oral_sublingual_ketamine", "oral_ketamine")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appointment_course_id_course"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appointment_course_id"))
        batch_op.drop_column("revision")
        batch_op.drop_column("course_phase")
        batch_op.drop_column("course_id")

    with op.batch_alter_table("course", schema=None) as batch_op:
        batch_op.drop_index("ix_course_patient")

    op.drop_table("course")
    with op.batch_alter_table("staff_rota", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_rota_staff_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_rota_site_id"))

    op.drop_table("staff_rota")
    with op.batch_alter_table("staff_absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_absence_staff_user_id"))

    op.drop_table("staff_absence")
    op.drop_table("site_opening_hours")
    op.drop_table("site_closure")
    op.drop_table("scheduling_settings")
    op.drop_table("protocol_version")
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_index("ix_job_subject")
        batch_op.drop_index("ix_job_due")

    op.drop_table("job")
