"""The timed rules: unacknowledged act-level alerts escalate after the clinic's time, a monitor
gone silent for 3 times its usual interval raises one alert per silence (issue 6), and raw monitor
messages go after the clinic's retention. Limits and settings are the test clinic's own."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Role, TreatmentState
from ketacare.db.models import InboundMessage, Reading, VitalAlert
from ketacare.services import alert_settings, alert_sweeps
from ketacare.services.live import AlertEvent, Broker
from ketacare.settings import Settings
from tests.factories import Clinic
from tests.services.alerting import measure, reading_row, store
from tests.services.assessment import actor_for
from tests.services.monitoring import InChair, set_limits, treatment_in_chair
from tests.services.test_vital_alerts import acknowledge

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LIMITS = {"spo2_percent.warn.low": "94", "spo2_percent.act.low": "92"}


@pytest.fixture
def chair(sessions: sessionmaker[Session], clinic: Clinic) -> InChair:
    return treatment_in_chair(sessions, clinic.north_site_id)


def sweep(sessions: sessionmaker[Session], at: datetime) -> list[AlertEvent]:
    return alert_sweeps.sweep(sessions, at)


def test_an_act_alert_unacknowledged_for_the_clinics_time_escalates_once(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, LIMITS)
    [alert] = measure(sessions, chair, AT, spo2_percent="88")
    escalate_after = alert_settings.DEFAULT_ESCALATE_AFTER_MIN
    assert sweep(sessions, AT + timedelta(minutes=escalate_after, seconds=-1)) == []
    due = AT + timedelta(minutes=escalate_after)
    assert sweep(sessions, due) == [AlertEvent(alert.id, chair.site_id, "escalated")]
    assert sweep(sessions, due + timedelta(minutes=5)) == []
    with sessions() as db:
        stored = db.get(VitalAlert, alert.id)
        assert stored is not None
        assert stored.escalated_at == due


def test_warn_alerts_and_acknowledged_ones_do_not_escalate(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, LIMITS | {"hr_bpm.act.high": "119"})
    [warn] = measure(sessions, chair, AT, spo2_percent="93")
    [act] = measure(sessions, chair, AT, hr_bpm="130")
    acknowledge(sessions, clinic, act.id, "observe", at=AT + timedelta(minutes=1))
    assert sweep(sessions, AT + timedelta(hours=1)) == []
    assert warn.level == "warn"


def test_the_escalation_time_is_the_clinics_setting(sessions, clinic: Clinic, chair: InChair):
    with sessions() as db, db.begin():
        admin = actor_for(db, clinic.users[Role.ADMIN], AT)
        alert_settings.update_treatment_day_settings(db, admin, clinic.organization_id, 12, 30)
    set_limits(sessions, clinic, LIMITS)
    [alert] = measure(sessions, chair, AT, spo2_percent="88")
    assert sweep(sessions, AT + timedelta(minutes=11)) == []
    assert [e.alert_id for e in sweep(sessions, AT + timedelta(minutes=12))] == [alert.id]


def feed(sessions: sessionmaker[Session], chair: InChair, start: datetime, every_s: int, n: int):
    """``n`` monitor messages (SpO2 and HR each) received every ``every_s`` seconds from
    ``start``; returns the last receipt time."""
    for i in range(n):
        at = start + timedelta(seconds=i * every_s)
        rows = [
            reading_row(chair, vital, value, at, source="monitor")
            for vital, value in (("spo2_percent", "97"), ("hr_bpm", "72"))
        ]
        store(sessions, chair, at, *rows)
    return start + timedelta(seconds=(n - 1) * every_s)


def silent_alerts(sessions: sessionmaker[Session], treatment_id: int) -> list[VitalAlert]:
    with sessions() as db:
        query = select(VitalAlert).where(
            VitalAlert.treatment_id == treatment_id, VitalAlert.kind == "silent"
        )
        return list(db.scalars(query))


def test_a_monitor_silent_for_three_times_its_usual_interval_raises_one_alert(
    sessions, clinic: Clinic, chair: InChair
):
    last = feed(sessions, chair, AT, every_s=5, n=6)
    assert sweep(sessions, last + timedelta(seconds=15)) == []
    [event] = sweep(sessions, last + timedelta(seconds=16))
    assert sweep(sessions, last + timedelta(minutes=5)) == []
    [alert] = silent_alerts(sessions, chair.treatment_id)
    assert (event.alert_id, event.change, alert.level) == (alert.id, "raised", "warn")
    assert alert.message.startswith("Monitor silent: nothing received for 16 s (usually every 5 s)")


def test_a_feed_that_resumes_and_stops_again_raises_a_second_alert(
    sessions, clinic: Clinic, chair: InChair
):
    last = feed(sessions, chair, AT, every_s=5, n=4)
    sweep(sessions, last + timedelta(seconds=30))
    resumed = feed(sessions, chair, last + timedelta(seconds=40), every_s=5, n=4)
    sweep(sessions, resumed + timedelta(seconds=30))
    assert len(silent_alerts(sessions, chair.treatment_id)) == 2


@pytest.mark.parametrize("state", [TreatmentState.CHECKED_IN, TreatmentState.READY_FOR_DISCHARGE])
def test_silence_outside_dosing_and_observation_raises_nothing(
    sessions, clinic: Clinic, state: TreatmentState
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, state=state)
    last = feed(sessions, chair, AT, every_s=5, n=4)
    assert sweep(sessions, last + timedelta(hours=1)) == []


def test_typed_readings_are_not_a_monitor_feed(sessions, clinic: Clinic, chair: InChair):
    for minute in range(4):
        measure(sessions, chair, AT + timedelta(minutes=minute), spo2_percent="97")
    assert sweep(sessions, AT + timedelta(hours=1)) == []


def message(chair: InChair, received_at: datetime) -> InboundMessage:
    return InboundMessage(
        received_at=received_at,
        peer="192.0.2.1:4000",
        control_id="C1",
        result="AA",
        raw="MSH|...",
        treatment_id=chair.treatment_id,
    )


def test_monitor_messages_older_than_the_retention_go_and_their_readings_stay(
    sessions, clinic: Clinic, chair: InChair
):
    keep = alert_settings.DEFAULT_INBOUND_RETENTION_DAYS
    now = AT + timedelta(days=keep, hours=1)
    with sessions() as db, db.begin():
        old, recent = message(chair, AT), message(chair, now - timedelta(days=1))
        db.add_all([old, recent])
        db.flush()
        row = reading_row(chair, "hr_bpm", "70", AT, source="monitor")
        row.inbound_message_id = old.id
        db.add(row)
    sweep(sessions, now)
    with sessions() as db:
        assert [m.id for m in db.scalars(select(InboundMessage))] == [recent.id]
        kept = db.scalars(select(Reading)).one()
        assert kept.inbound_message_id is None


def test_the_server_sweeps_on_its_own_and_publishes_what_it_found(
    sessions, clinic: Clinic, chair: InChair
):
    set_limits(sessions, clinic, LIMITS)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    [alert] = measure(sessions, chair, long_ago, spo2_percent="88")

    async def main() -> list[AlertEvent]:
        broker = Broker()
        with broker.subscribe(chair.site_id) as page:
            sweeping = asyncio.create_task(alert_sweeps.run(sessions, broker, interval_s=0.01))
            try:
                events, _ = await page.next_batch(timeout_s=5)
            finally:
                sweeping.cancel()
        return events

    assert asyncio.run(main()) == [AlertEvent(alert.id, chair.site_id, "escalated")]


@pytest.mark.parametrize(
    ("mode", "given", "every_s"),
    [("test", None, 0), ("production", None, 5), ("production", 0, 0), ("test", 2, 2)],
)
def test_sweeps_run_every_few_seconds_except_in_tests_unless_asked(
    mode: str, given: float | None, every_s: float
):
    settings = Settings(mode=mode, alert_sweep_seconds=given)  # type: ignore[arg-type]
    assert settings.resolved_alert_sweep_seconds == every_s
