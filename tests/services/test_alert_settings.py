"""The clinic's alert limits (a prescriber's) and treatment-day settings (an admin's): validated,
stored, audited. ketacare ships no limits (clinical-reference §4.2); the demo clinic's are the
SOP examples, labelled as its own choice."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import PermissionDenied, ValidationFailed
from ketacare.core.vitals.thresholds import Limits
from ketacare.db.models import AlertThreshold, AuditEvent
from ketacare.services import alert_settings, protocols
from ketacare.services.context import Actor
from tests.factories import Clinic
from tests.services.assessment import actor_for

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
IV = "iv_ketamine_depression"


def save(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    values: dict[str, str | None],
    who=Role.PRESCRIBER,
) -> dict[str, list[Decimal | None]]:
    with sessions() as db, db.begin():
        actor = actor_for(db, clinic.users[who], AT)
        given = {k: None if v is None else Decimal(v) for k, v in values.items()}
        return alert_settings.set_thresholds(db, actor, clinic.organization_id, IV, given)


def limits(sessions: sessionmaker[Session], clinic: Clinic) -> dict[tuple[str, str], Limits]:
    with sessions() as db:
        return alert_settings.clinic_limits(db, clinic.organization_id, IV)


def test_a_prescriber_sets_limits_and_the_change_is_audited_old_and_new(sessions, clinic: Clinic):
    changed = save(sessions, clinic, {"sbp_mmhg.act.high": "179", "sbp_mmhg.hold.high": "159"})
    assert changed == {
        "sbp_mmhg.act.high": [None, Decimal("179")],
        "sbp_mmhg.hold.high": [None, Decimal("159")],
    }
    assert limits(sessions, clinic) == {
        ("sbp_mmhg", "act"): Limits(None, Decimal("179")),
        ("sbp_mmhg", "hold"): Limits(None, Decimal("159")),
    }
    with sessions() as db:
        event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "alert_threshold")).one()
    assert json.loads(event.detail)["changed"]["sbp_mmhg.act.high"] == [None, "179"]


def test_blank_limits_remove_a_level_and_nothing_changed_stores_nothing(sessions, clinic: Clinic):
    save(sessions, clinic, {"spo2_percent.act.low": "92"})
    assert save(sessions, clinic, {"spo2_percent.act.low": "92"}) == {}
    assert save(sessions, clinic, {"spo2_percent.act.low": None, "spo2_percent.act.high": None})
    assert limits(sessions, clinic) == {}
    with sessions() as db:
        events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "alert_threshold"))
        assert len(events.all()) == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"hr_bpm.act.low": "120", "hr_bpm.act.high": "50"}, "hr_bpm.act.low"),
        ({"spo2_percent.act.low": "120"}, "spo2_percent.act.low"),
        ({"spo2_percent.warn.low": "92", "spo2_percent.act.low": "94"}, "spo2_percent.act.low"),
        ({"pupils.act.low": "1"}, "pupils.act.low"),
    ],
)
def test_contradictory_or_impossible_limits_are_refused_by_field(
    sessions, clinic: Clinic, values: dict[str, str | None], field: str
):
    with pytest.raises(ValidationFailed) as refused:
        save(sessions, clinic, values)
    assert field in refused.value.by_field()
    assert limits(sessions, clinic) == {}


@pytest.mark.parametrize("role", [Role.NURSE, Role.ADMIN])
def test_only_a_prescriber_sets_limits(sessions, clinic: Clinic, role: Role):
    with pytest.raises(PermissionDenied):
        save(sessions, clinic, {"spo2_percent.act.low": "92"}, who=role)


def test_treatment_settings_start_from_ketacares_starting_points_until_saved(
    sessions, clinic: Clinic
):
    with sessions() as db, db.begin():
        before = alert_settings.treatment_day_settings(db, clinic.organization_id)
        admin = actor_for(db, clinic.users[Role.ADMIN], AT)
        after = alert_settings.update_treatment_day_settings(
            db, admin, clinic.organization_id, 10, 14
        )
    assert (before.escalate_after_min, before.inbound_retention_days, before.saved) == (
        alert_settings.DEFAULT_ESCALATE_AFTER_MIN,
        alert_settings.DEFAULT_INBOUND_RETENTION_DAYS,
        False,
    )
    assert (after.escalate_after_min, after.inbound_retention_days, after.saved) == (10, 14, True)
    with sessions() as db:
        event = db.scalars(
            select(AuditEvent).where(AuditEvent.entity == "treatment_settings")
        ).one()
    assert json.loads(event.detail)["escalate_after_min"] == [
        alert_settings.DEFAULT_ESCALATE_AFTER_MIN,
        10,
    ]


def update_settings(
    sessions: sessionmaker[Session], clinic: Clinic, who: Role, escalate: int | None, keep: int
) -> None:
    with sessions() as db, db.begin():
        actor = actor_for(db, clinic.users[who], AT)
        alert_settings.update_treatment_day_settings(
            db, actor, clinic.organization_id, escalate, keep
        )


@pytest.mark.parametrize(
    ("escalate", "keep", "field"),
    [
        (0, 30, "escalate_after_min"),
        (None, 30, "escalate_after_min"),
        (5, 0, "inbound_retention_days"),
    ],
)
def test_treatment_settings_out_of_range_are_refused(
    sessions, clinic: Clinic, escalate: int | None, keep: int, field: str
):
    with pytest.raises(ValidationFailed) as refused:
        update_settings(sessions, clinic, Role.ADMIN, escalate, keep)
    assert field in refused.value.by_field()


def test_only_an_admin_changes_treatment_settings(sessions, clinic: Clinic):
    with pytest.raises(PermissionDenied):
        update_settings(sessions, clinic, Role.PRESCRIBER, 5, 30)


def test_the_demo_clinic_takes_the_sop_examples_for_every_protocol_once(sessions, clinic: Clinic):
    system = Actor(None, AT)
    with sessions() as db, db.begin():
        made = alert_settings.seed_demo_thresholds(db, system, clinic.organization_id)
        again = alert_settings.seed_demo_thresholds(db, system, clinic.organization_id)
        codes = [
            row.code for row, _ in protocols.current_protocols(db, system, clinic.organization_id)
        ]
        rows = db.scalars(select(AlertThreshold)).all()
    assert (made, again) == (len(codes), 0)
    assert len(rows) == len(codes) * len(alert_settings.DEMO_THRESHOLDS)
    assert limits(sessions, clinic)[("spo2_percent", "act")] == Limits(Decimal("92"), None)
