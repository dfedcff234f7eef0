"""add treatment day: treatments and their events, checks, orders, administrations, interventions,
adverse events, notes and discharge; readings, vital alerts, inbound monitor messages, alert
thresholds, treatment settings; REMS enrolments and monitoring forms; monitor names on chairs

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("protocol_code", sa.String(length=60), nullable=False),
        sa.Column("vital", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("low", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("high", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_alert_threshold_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_alert_threshold_updated_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_threshold")),
        sa.UniqueConstraint(
            "organization_id",
            "protocol_code",
            "vital",
            "level",
            name=op.f("uq_alert_threshold_organization_id_protocol_code_vital_level"),
        ),
    )
    op.create_table(
        "treatment_settings",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("escalate_after_min", sa.Integer(), nullable=False),
        sa.Column("inbound_retention_days", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_treatment_settings_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_treatment_settings_updated_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_treatment_settings")),
    )
    op.create_table(
        "rems_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("rems_patient_id", sa.String(length=40), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_rems_enrolment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_rems_enrolment_recorded_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rems_enrolment")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_rems_enrolment_patient_id")),
    )
    op.create_table(
        "treatment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("protocol_version_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("abort_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dosing_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dosing_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("observation_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discharged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("aborted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_treatment_appointment_id_appointment"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_treatment_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_treatment_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_treatment_organization_id_organization"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_treatment_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["protocol_version_id"],
            ["protocol_version.id"],
            name=op.f("fk_treatment_protocol_version_id_protocol_version"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"],
            ["staff_user.id"],
            name=op.f("fk_treatment_signed_off_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_treatment_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment")),
        sa.UniqueConstraint("appointment_id", name=op.f("uq_treatment_appointment_id")),
    )
    with op.batch_alter_table("treatment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_treatment_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_treatment_site_state", ["site_id", "state"], unique=False)

    op.create_table(
        "administration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("lot_number", sa.String(length=60), nullable=False),
        sa.Column("lot_expiry", sa.Date(), nullable=False),
        sa.Column("ledger_lot_id", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=20), nullable=False),
        sa.Column("dose_mg", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("rate_ml_per_h", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("administered_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["administered_by_id"],
            ["staff_user.id"],
            name=op.f("fk_administration_administered_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_administration_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administration")),
    )
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_administration_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "adverse_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("severity_grade", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("onset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_adverse_event_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_adverse_event_recorded_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_adverse_event_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adverse_event")),
    )
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adverse_event_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_adverse_event_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "discharge_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("aldrete_total", sa.Integer(), nullable=True),
        sa.Column("padss_total", sa.Integer(), nullable=True),
        sa.Column("instructions_given", sa.Boolean(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["staff_user.id"],
            name=op.f("fk_discharge_assessment_signed_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_discharge_assessment_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_assessment")),
    )
    with op.batch_alter_table("discharge_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discharge_assessment_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "dose_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("dose", sa.Numeric(precision=10, scale=3), nullable=False),
        sa.Column("dose_unit", sa.String(length=20), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("weight_basis", sa.String(length=20), nullable=True),
        sa.Column("dosing_weight_kg", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("dose_mg", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=True),
        sa.Column("stock_mg_per_ml", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("bag_ml", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("rate_ml_per_h", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("devices", sa.Integer(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("second_signature_by_id", sa.Integer(), nullable=True),
        sa.Column("ordered_by_id", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ordered_by_id"],
            ["staff_user.id"],
            name=op.f("fk_dose_order_ordered_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["second_signature_by_id"],
            ["staff_user.id"],
            name=op.f("fk_dose_order_second_signature_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_dose_order_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dose_order")),
    )
    with op.batch_alter_table("dose_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dose_order_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "inbound_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("peer", sa.String(length=100), nullable=False),
        sa.Column("control_id", sa.String(length=60), nullable=False),
        sa.Column("result", sa.String(length=2), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_inbound_message_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message")),
    )
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_message_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("medication", sa.String(length=200), nullable=False),
        sa.Column("dose_value", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("dose_unit", sa.String(length=20), nullable=False),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["given_by_id"], ["staff_user.id"], name=op.f("fk_intervention_given_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_intervention_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention")),
    )
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intervention_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "rems_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("ready_after_min", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["staff_user.id"], name=op.f("fk_rems_form_signed_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["staff_user.id"],
            name=op.f("fk_rems_form_submitted_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_rems_form_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rems_form")),
        sa.UniqueConstraint("treatment_id", name=op.f("uq_rems_form_treatment_id")),
    )
    op.create_table(
        "treatment_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_treatment_check_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_treatment_check_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_check")),
    )
    with op.batch_alter_table("treatment_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_check_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "treatment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=30), nullable=False),
        sa.Column("to_state", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_treatment_event_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_treatment_event_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_event")),
    )
    with op.batch_alter_table("treatment_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_event_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "treatment_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_treatment_note_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["treatment_id"],
            ["treatment.id"],
            name=op.f("fk_treatment_note_treatment_id_treatment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_note")),
    )
    with op.batch_alter_table("treatment_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_treatment_note_treatment_id"), ["treatment_id"], unique=False
        )

    op.create_table(
        "administration_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("administration_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rate_ml_per_h", sa.Numeric(precision=8, scale=1), nullable=True),
        sa.Column("device_number", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["administration_id"],
            ["administration.id"],
            name=op.f("fk_administration_event_administration_id_administration"),
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_user.id"], name=op.f("fk_administration_event_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administration_event")),
    )
    with op.batch_alter_table("administration_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_administration_event_administration_id"),
            ["administration_id"],
            unique=False,
        )

    op.create_table(
        "reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("vital", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("unit_received", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_message.id"],
            name=op.f("fk_reading_inbound_message_id_inbound_message"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_reading_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff_user.id"], name=op.f("fk_reading_recorded_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_reading_site_id_site")),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_reading_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading")),
    )
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reading_treatment_observed", ["treatment_id", "observed_at"], unique=False
        )

    op.create_table(
        "vital_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("treatment_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reading_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("vital", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff_user.id"],
            name=op.f("fk_vital_alert_acknowledged_by_id_staff_user"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_vital_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["reading_id"], ["reading.id"], name=op.f("fk_vital_alert_reading_id_reading")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_vital_alert_site_id_site")),
        sa.ForeignKeyConstraint(
            ["treatment_id"], ["treatment.id"], name=op.f("fk_vital_alert_treatment_id_treatment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vital_alert")),
    )
    with op.batch_alter_table("vital_alert", schema=None) as batch_op:
        batch_op.create_index("ix_vital_alert_site_raised", ["site_id", "raised_at"], unique=False)
        batch_op.create_index("ix_vital_alert_treatment", ["treatment_id"], unique=False)

    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.add_column(sa.Column("point_of_care", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("monitor_device", sa.String(length=32), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_location_monitor_device"), ["monitor_device"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_location_monitor_device"))
        batch_op.drop_column("monitor_device")
        batch_op.drop_column("point_of_care")

    with op.batch_alter_table("vital_alert", schema=None) as batch_op:
        batch_op.drop_index("ix_vital_alert_treatment")
        batch_op.drop_index("ix_vital_alert_site_raised")

    op.drop_table("vital_alert")
    with op.batch_alter_table("reading", schema=None) as batch_op:
        batch_op.drop_index("ix_reading_treatment_observed")

    op.drop_table("reading")
    with op.batch_alter_table("administration_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_administration_event_administration_id"))

    op.drop_table("administration_event")
    with op.batch_alter_table("treatment_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_note_treatment_id"))

    op.drop_table("treatment_note")
    with op.batch_alter_table("treatment_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_event_treatment_id"))

    op.drop_table("treatment_event")
    with op.batch_alter_table("treatment_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_check_treatment_id"))

    op.drop_table("treatment_check")
    op.drop_table("rems_form")
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_treatment_id"))

    op.drop_table("intervention")
    with op.batch_alter_table("inbound_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_message_received_at"))

    op.drop_table("inbound_message")
    with op.batch_alter_table("dose_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_order_treatment_id"))

    op.drop_table("dose_order")
    with op.batch_alter_table("discharge_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discharge_assessment_treatment_id"))

    op.drop_table("discharge_assessment")
    with op.batch_alter_table("adverse_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adverse_event_treatment_id"))
        batch_op.drop_index(batch_op.f("ix_adverse_event_patient_id"))

    op.drop_table("adverse_event")
    with op.batch_alter_table("administration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_administration_treatment_id"))

    op.drop_table("administration")
    with op.batch_alter_table("treatment", schema=None) as batch_op:
        batch_op.drop_index("ix_treatment_site_state")
        batch_op.drop_index(batch_op.f("ix_treatment_patient_id"))

    op.drop_table("treatment")
    op.drop_table("rems_enrolment")
    op.drop_table("treatment_settings")
    op.drop_table("alert_threshold")
