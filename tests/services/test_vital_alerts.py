"""Alerts raised from readings against the clinic's own limits, acknowledged with the action taken.

Every limit here is the test clinic's choice: ketacare ships none (clinical-reference §4.2).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role
from ketacare.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ketacare.db.models import AuditEvent, Treatment, VitalAlert
from ketacare.services import protocols, vital_alerts
from tests.factories import Clinic
from tests.services.alerting import measure, reading_row, store
from tests.services.assessment import actor_for
from tests.services.monitoring import PROTOCOL, InChair, set_limits, treatment_in_chair

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
SPO2_ACT = {"spo2_percent.act.low": "92"}
SPO2_WARN_ACT = {"spo2_percent.warn.low": "94", "spo2_percent.act.low": "92"}


@pytest.fixture
def chair(sessions: sessionmaker[Session], clinic: Clinic) -> InChair:
    return treatment_in_chair(sessions, clinic.north_site_id)


def levels(alerts: list[VitalAlert]) -> list[tuple[str | None, str]]:
    return [(a.vital, a.level) for a in alerts]


def test_a_reading_beyond_the_clinics_limit_raises_one_alert_saying_why(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85", hr_bpm="80")
    assert (alert.vital, alert.level, alert.kind, alert.value) == (
        "spo2_percent",
        "act",
        "threshold",
        Decimal("85"),
    )
    assert alert.message == "SpO2 85 % is below the act limit of 92 %."
    assert (alert.patient_id, alert.site_id, alert.raised_at) == (
        chair.patient_id,
        chair.site_id,
        AT,
    )
    assert alert.reading_id is not None
    assert alert.acknowledged_at is None


def test_a_raised_alert_is_audited_as_raised_by_ketacare(sessions, clinic: Clinic, chair: InChair):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    with sessions() as db:
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "vital_alert", AuditEvent.entity_id == str(alert.id)
            )
        ).one()
    assert (event.action, event.staff_user_id, event.patient_id) == (
        "create",
        None,
        chair.patient_id,
    )
    assert json.loads(event.detail)["level"] == "act"


def test_without_a_limit_set_no_value_raises_anything(sessions, clinic: Clinic, chair: InChair):
    assert measure(sessions, chair, AT, spo2_percent="50", sbp_mmhg="240") == []


@pytest.mark.parametrize(
    ("value", "valid"), [("70", False), (None, True), ("-999", True), ("101", True)]
)
def test_an_unusable_reading_raises_nothing(
    sessions, clinic: Clinic, chair: InChair, value: str | None, valid: bool
):
    set_limits(sessions, clinic, {"spo2_percent.act.low": "92", "spo2_percent.act.high": "99"})
    row = reading_row(chair, "spo2_percent", value, AT, source="monitor", valid=valid)
    assert store(sessions, chair, AT, row) == []


def test_a_breach_that_goes_on_is_raised_once_and_again_only_after_it_cleared(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_ACT)
    [first] = measure(sessions, chair, AT, spo2_percent="85")
    assert measure(sessions, chair, AT + timedelta(seconds=5), spo2_percent="84") == []
    assert measure(sessions, chair, AT + timedelta(seconds=10), spo2_percent="97") == []
    with sessions() as db:
        cleared = db.get(VitalAlert, first.id)
        assert cleared is not None
        assert cleared.cleared_at == AT + timedelta(seconds=10)
    [again] = measure(sessions, chair, AT + timedelta(seconds=15), spo2_percent="86")
    assert again.id != first.id


def test_readings_of_one_batch_raise_in_observation_order_and_once(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_WARN_ACT)
    rows = [
        reading_row(chair, "spo2_percent", value, AT + timedelta(seconds=s), source="monitor")
        for s, value in ((2, "90"), (0, "93"), (1, "93"))
    ]
    raised = store(sessions, chair, AT + timedelta(seconds=3), *rows)
    assert [(a.level, a.value) for a in raised] == [("warn", Decimal(93)), ("act", Decimal(90))]


def test_a_higher_level_supersedes_and_easing_back_says_so_once(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_WARN_ACT)
    assert levels(measure(sessions, chair, AT, spo2_percent="93")) == [("spo2_percent", "warn")]
    later = AT + timedelta(minutes=1)
    [act] = measure(sessions, chair, later, spo2_percent="90")
    assert levels([act]) == [("spo2_percent", "act")]
    eased = measure(sessions, chair, later + timedelta(minutes=1), spo2_percent="93")
    assert levels(eased) == [("spo2_percent", "warn")]  # the act alert cleared, warn stands
    assert measure(sessions, chair, later + timedelta(minutes=2), spo2_percent="93") == []
    with sessions() as db:
        assert db.get(VitalAlert, act.id).cleared_at is not None  # type: ignore[union-attr]


def test_an_acknowledged_breach_that_goes_on_is_not_raised_with_every_reading(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_ACT)
    [first] = measure(sessions, chair, AT, spo2_percent="85")
    acknowledge(sessions, clinic, first.id, "remeasured", at=AT + timedelta(minutes=1))
    assert measure(sessions, chair, AT + timedelta(minutes=2), spo2_percent="88") == []
    assert measure(sessions, chair, AT + timedelta(minutes=3), spo2_percent="97") == []
    [again] = measure(sessions, chair, AT + timedelta(minutes=4), spo2_percent="88")
    assert again.id != first.id


def test_a_pulse_rate_is_held_to_the_heart_rate_limits_the_clinic_set(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, {"hr_bpm.act.high": "119"})
    assert levels(measure(sessions, chair, AT, pulse_bpm="128")) == [("pulse_bpm", "act")]


def test_the_clinics_limit_replaces_the_protocol_versions_own_for_that_level(
    sessions, clinic: Clinic, chair: InChair
):
    with sessions() as db, db.begin():
        prescriber = actor_for(db, clinic.users[Role.PRESCRIBER], AT)
        changes = {"threshold.spo2_percent.low": "88"}
        protocols.save_version(db, prescriber, clinic.organization_id, PROTOCOL, changes, "SOP")
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        treatment.protocol_version_id = protocols.current_version(
            db, clinic.organization_id, PROTOCOL
        ).id
    assert measure(sessions, chair, AT, spo2_percent="90") == []
    assert levels(measure(sessions, chair, AT, spo2_percent="87")) == [("spo2_percent", "act")]
    set_limits(sessions, clinic, {"spo2_percent.act.low": "85"})
    with sessions() as db:
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        profile = vital_alerts.threshold_profile(db, treatment)
    assert profile.vitals["spo2_percent"].act.low == 85


def acknowledge(
    sessions: sessionmaker[Session],
    clinic: Clinic,
    alert_id: int,
    action: str,
    note: str = "",
    who: Role | str = Role.NURSE,
    at: datetime = AT,
) -> VitalAlert:
    email = clinic.users[who] if isinstance(who, Role) else who
    with sessions() as db, db.begin():
        return vital_alerts.acknowledge(db, actor_for(db, email, at), alert_id, action, note)


def test_acknowledging_keeps_who_when_and_the_action_taken(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    later = AT + timedelta(minutes=2)
    done = acknowledge(sessions, clinic, alert.id, "pause_infusion", "Rate halved first", at=later)
    assert done.action == "Infusion paused: Rate halved first"
    assert done.acknowledged_at == later
    assert done.acknowledged_by_id is not None
    with sessions() as db:
        event = db.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "vital_alert", AuditEvent.action == "update"
            )
        ).one()
    assert json.loads(event.detail)["action"] == "pause_infusion"
    assert event.patient_id == chair.patient_id


@pytest.mark.parametrize(
    ("action", "note", "field"),
    [("", "", "action"), ("dance", "", "action"), ("other", " ", "note")],
)
def test_an_acknowledgement_needs_a_known_action_and_other_needs_a_note(
    sessions, clinic: Clinic, chair: InChair, action: str, note: str, field: str
):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    with pytest.raises(ValidationFailed) as refused:
        acknowledge(sessions, clinic, alert.id, action, note)
    assert field in refused.value.by_field()


def test_an_alert_is_acknowledged_once(sessions, clinic: Clinic, chair: InChair):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    acknowledge(sessions, clinic, alert.id, "observe")
    with pytest.raises(Conflict):
        acknowledge(sessions, clinic, alert.id, "observe", who=Role.PRESCRIBER)


def test_only_clinicians_running_treatments_at_the_site_acknowledge(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, SPO2_ACT)
    [alert] = measure(sessions, chair, AT, spo2_percent="85")
    with pytest.raises(PermissionDenied):
        acknowledge(sessions, clinic, alert.id, "observe", who=Role.FRONT_DESK)
    with pytest.raises(NotFound):
        acknowledge(sessions, clinic, alert.id, "observe", who=clinic.south_nurse_email)
    assert acknowledge(sessions, clinic, alert.id, "observe", who=Role.PRESCRIBER).action


def test_an_emergency_symptom_raises_an_emergency_alert_whatever_the_readings(
    sessions, clinic: Clinic, chair: InChair
):
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], AT)
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        assert vital_alerts.report_symptoms(db, nurse, treatment, ["nausea"]) is None
        alert = vital_alerts.report_symptoms(db, nurse, treatment, ["chest_pain", "nausea"])
        assert alert is not None
        assert (alert.kind, alert.level, alert.vital) == ("symptom", "emergency", None)
        assert "chest pain" in alert.message


def test_a_treatments_alerts_list_open_ones_first_and_the_read_is_audited(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, {**SPO2_ACT, "hr_bpm.act.high": "119"})
    [low] = measure(sessions, chair, AT, spo2_percent="85")
    [fast] = measure(sessions, chair, AT + timedelta(minutes=1), hr_bpm="130")
    acknowledge(sessions, clinic, fast.id, "observe")
    with sessions() as db, db.begin():
        nurse = actor_for(db, clinic.users[Role.NURSE], AT)
        treatment = db.get(Treatment, chair.treatment_id)
        assert treatment is not None
        shown = vital_alerts.alerts_of_treatment(db, nurse, treatment)
        assert [a.id for a in shown] == [low.id, fast.id]
        views = db.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
        assert [v.patient_id for v in views] == [chair.patient_id]
