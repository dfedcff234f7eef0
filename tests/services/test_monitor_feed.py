"""The monitor feed: each message put on its treatment in progress (by MRN, else the chair its
PV1-3 names, else the chair its device is bound to) and answered AA only once committed; AE with a
plain reason, AR for the unreadable, and every message kept in the inbound log. ACKs are read with
python-hl7, the reference parser."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import hl7
import pytest
from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import TreatmentState, Vital
from ketacare.db.models import InboundMessage, Reading, Site, Treatment
from ketacare.services import live
from ketacare.services.monitor_feed import NOT_STORED, MonitorFeed
from ketacare.services.monitor_simulator import oru_message
from tests.factories import Clinic
from tests.services.monitoring import (
    alerts_of,
    count,
    fixture,
    messages,
    readings_of,
    set_limits,
    treatment_in_chair,
)

PEER = "192.0.2.10:40001"
AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def answers(
    sessions: sessionmaker[Session], *payloads: bytes, broker: live.Broker | None = None
) -> list[hl7.Message]:
    """Hand every payload to one feed at once (as concurrent connections would) and read the
    ACKs it gives back."""

    async def main() -> list[bytes]:
        feed = MonitorFeed(sessions, broker)
        await feed.start()
        try:
            return await asyncio.gather(*(feed.handle(p, PEER) for p in payloads))
        finally:
            await feed.stop()

    return [hl7.parse(ack.decode()) for ack in asyncio.run(main())]


def msa(ack: hl7.Message) -> tuple[str, str, str]:
    """MSA-1 to MSA-3, the text unescaped."""
    segment = ack.segment("MSA")
    text = ack.unescape(str(segment[3])) if len(segment) > 3 else ""
    return str(segment[1]), str(segment[2]), text


def vitals(rows: list[Reading]) -> list[tuple[str, Decimal | None, bool]]:
    return [(r.vital, r.value, r.valid) for r in rows]


def test_a_message_with_the_patients_mrn_lands_on_the_treatment_and_is_answered_aa(
    sessions, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, mrn="MRN-004218")
    (ack,) = answers(sessions, fixture("v231-spot-check-plain-units.hl7"))
    assert msa(ack) == ("AA", "SV-20261102-0042", "")
    rows = readings_of(sessions, chair.treatment_id)
    assert vitals(rows) == [
        ("sbp_mmhg", Decimal("131.00"), True),
        ("dbp_mmhg", Decimal("84.00"), True),
        ("pulse_bpm", Decimal("76.00"), True),
        ("spo2_percent", Decimal("99.00"), True),
        ("temp_c", Decimal("36.80"), True),
    ]
    first = rows[0]
    assert first.observed_at == datetime(2026, 11, 2, 11, 12, 4, tzinfo=UTC)  # site in UTC
    assert (first.source, first.site_id, first.location_id) == (
        "monitor",
        chair.site_id,
        chair.location_id,
    )
    (logged,) = messages(sessions)
    assert (logged.result, logged.control_id, logged.peer) == ("AA", "SV-20261102-0042", PEER)
    assert logged.detail == "5 readings"
    assert logged.treatment_id == chair.treatment_id
    assert logged.raw.startswith("MSH|^~\\&|SPOTVS|")
    assert {r.inbound_message_id for r in rows} == {logged.id}
    assert {r.received_at for r in rows} == {logged.received_at}


def test_without_an_mrn_the_point_of_care_names_the_chair_and_its_treatment(
    sessions, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    (ack,) = answers(sessions, fixture("pcd01-v26-location-only.hl7"))
    assert msa(ack)[0] == "AA"
    rows = readings_of(sessions, chair.treatment_id)
    assert [r.vital for r in rows] == [
        "spo2_percent", "pulse_bpm", "hr_bpm", "rr_per_min", "sbp_mmhg", "dbp_mmhg", "map_mmhg",
    ]  # fmt: skip
    assert rows[0].observed_at == datetime(2026, 11, 2, 8, 30, 15, 125000, tzinfo=UTC)
    assert rows[4].observed_at == datetime(2026, 11, 2, 8, 29, tzinfo=UTC)  # the cuff's own time
    assert rows[0].device_id == "0012A4FFFE3B9C11"  # OBX-18


def test_without_an_mrn_or_a_known_point_of_care_the_bound_device_names_the_chair(
    sessions, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, device="0012A4FFFE3B9C11")
    (ack,) = answers(sessions, fixture("pcd01-v26-location-only.hl7"))
    assert msa(ack)[0] == "AA"
    assert len(readings_of(sessions, chair.treatment_id)) == 7


def test_the_mrn_wins_over_the_chair_the_message_names(sessions, clinic: Clinic):
    named = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-05")
    patient = treatment_in_chair(sessions, clinic.north_site_id, mrn="MRN-000055", chair="Chair 2")
    (ack,) = answers(sessions, fixture("escapes-repetitions-two-obr.hl7"))
    assert msa(ack)[0] == "AA"
    assert readings_of(sessions, named.treatment_id) == []
    assert len(readings_of(sessions, patient.treatment_id)) == 4


def test_sentinels_and_status_x_are_stored_invalid_and_raise_no_alert(sessions, clinic: Clinic):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-07")
    set_limits(sessions, clinic, {"hr_bpm.act.low": "40", "sbp_mmhg.act.low": "80"})
    (ack,) = answers(sessions, fixture("v24-device-rows-and-sentinels.hl7"))
    assert msa(ack)[0] == "AA"
    assert vitals(readings_of(sessions, chair.treatment_id)) == [
        ("spo2_percent", Decimal("98.00"), True),
        ("pulse_bpm", None, False),
        ("sbp_mmhg", None, False),
        ("dbp_mmhg", None, False),
        ("temp_c", None, False),
    ]
    assert messages(sessions)[0].detail == "5 readings (4 invalid)"
    assert alerts_of(sessions, chair.treatment_id) == []


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        ("nobody", "unknown patient (PID-3)"),
        ("discharged", "no treatment in progress for the patient (PID-3)"),
    ],
)
def test_a_message_about_no_treatment_in_progress_is_answered_ae_and_nothing_is_stored(
    sessions, clinic: Clinic, prepare: str, reason: str
):
    if prepare == "discharged":
        treatment_in_chair(
            sessions, clinic.north_site_id, mrn="MRN-004218", state=TreatmentState.DISCHARGED
        )
    (ack,) = answers(sessions, fixture("v231-spot-check-plain-units.hl7"))
    assert msa(ack) == ("AE", "SV-20261102-0042", reason)
    assert str(ack.segment("ERR")[1]).endswith("204&" + reason + "&HL70357")  # v2.3.1 ERR-1
    assert count(sessions, Reading) == 0
    (logged,) = messages(sessions)
    assert (logged.result, logged.detail, logged.treatment_id) == ("AE", reason, None)


def test_a_chair_with_no_treatment_in_progress_is_named_in_the_ae(sessions, clinic: Clinic):
    treatment_in_chair(
        sessions, clinic.north_site_id, point_of_care="CHAIR-03", state=TreatmentState.ABORTED
    )
    (ack,) = answers(sessions, fixture("pcd01-v26-location-only.hl7"))
    reason = "no treatment in progress in Chair 1 at North, named by point of care CHAIR-03 (PV1-3)"
    assert msa(ack) == ("AE", "NW-000731", reason[:77] + "...")  # MSA-3 holds 80 characters
    assert ack.unescape(str(ack.segment("ERR")[8])) == reason  # ERR-8 holds it all (v2.5+)
    assert messages(sessions)[0].detail == reason


def test_an_unknown_point_of_care_and_no_identification_are_refused_plainly(
    sessions, clinic: Clinic
):
    unnamed = oru_message("C1", AT, {Vital.SPO2_PERCENT: Decimal(97)})
    acks = answers(sessions, fixture("pcd01-v26-location-only.hl7"), unnamed)
    assert msa(acks[0])[2] == "unknown point of care CHAIR-03 (PV1-3) and no known device id"
    assert msa(acks[1])[2].startswith("no patient identification")


def test_an_unknown_code_refuses_the_whole_message(sessions, clinic: Clinic):
    chair = treatment_in_chair(sessions, clinic.north_site_id, mrn="MRN-004218")
    raw = fixture("v231-spot-check-plain-units.hl7").replace(b"150344^MDC_TEMP", b"188736^MDC_X")
    (ack,) = answers(sessions, raw)
    assert msa(ack)[0] == "AE"
    assert "unknown code 188736^MDC_X^MDC (OBX 5)" in msa(ack)[2]
    assert readings_of(sessions, chair.treatment_id) == []


def test_an_unreadable_message_is_answered_ar_and_kept_as_received(sessions, clinic: Clinic):
    (ack,) = answers(sessions, b"hello \x00 there")
    result, control_id, reason = msa(ack)
    assert (result, control_id) == ("AR", "")
    assert reason.startswith("not an HL7 v2 message")
    (logged,) = messages(sessions)
    assert (logged.result, logged.raw) == ("AR", "hello \\x00 there")  # NUL made printable


def test_a_frame_refused_as_too_large_is_logged_without_its_text(sessions, clinic: Clinic):
    async def main() -> bytes:
        feed = MonitorFeed(sessions)
        await feed.start()
        try:
            return await feed.refuse("message larger than 4096 bytes", PEER)
        finally:
            await feed.stop()

    ack = hl7.parse(asyncio.run(main()).decode())
    assert msa(ack) == ("AR", "", "message larger than 4096 bytes")
    (logged,) = messages(sessions)
    assert (logged.result, logged.raw, logged.peer) == ("AR", "", PEER)


def test_a_reading_beyond_the_clinics_limit_raises_an_alert_published_after_commit(
    sessions, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    set_limits(sessions, clinic, {"spo2_percent.act.low": "92"})  # the test's own limit
    heard: list[tuple[list[live.AlertEvent], bool]] = []
    broker = live.Broker()

    async def main() -> None:
        with broker.subscribe(chair.site_id) as subscription:
            feed = MonitorFeed(sessions, broker)
            await feed.start()
            low = oru_message(
                "LOW-1", AT, {Vital.SPO2_PERCENT: Decimal(85)}, point_of_care="CHAIR-03"
            )
            await feed.handle(low, PEER)
            heard.append(await subscription.next_batch(timeout_s=1))
            await feed.stop()

    asyncio.run(main())
    (alert,) = alerts_of(sessions, chair.treatment_id)
    assert (alert.vital, alert.level, alert.value) == ("spo2_percent", "act", Decimal("85.00"))
    assert heard == [([live.AlertEvent(alert.id, chair.site_id, "raised")], False)]


def test_messages_waiting_together_are_stored_in_one_transaction(
    sessions, engine: Engine, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    payloads = [
        oru_message(f"B{n}", AT, {Vital.HR_BPM: Decimal(70 + n)}, point_of_care="CHAIR-03")
        for n in range(40)
    ]
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    acks = answers(sessions, *payloads)
    assert [msa(a)[:2] for a in acks] == [("AA", f"B{n}") for n in range(40)]
    assert len(readings_of(sessions, chair.treatment_id)) == 40
    assert len(commits) < 10  # group commit: far fewer transactions than messages


def test_when_the_database_refuses_nothing_is_acknowledged_as_stored_and_the_feed_carries_on(
    sessions, engine: Engine, clinic: Clinic
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    payloads = [
        oru_message(f"F{n}", AT, {Vital.HR_BPM: Decimal(70)}, point_of_care="CHAIR-03")
        for n in range(3)
    ]
    with engine.begin() as conn:  # a real failure: the readings table is gone for a while
        conn.execute(text("ALTER TABLE reading RENAME TO reading_away"))
    refused = answers(sessions, *payloads)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE reading_away RENAME TO reading"))
    assert [msa(a)[0] for a in refused] == ["AE"] * 3
    assert {msa(a)[2] for a in refused} == {NOT_STORED}
    assert messages(sessions) == []  # the whole transaction was rolled back
    (again,) = answers(sessions, payloads[0])
    assert msa(again)[0] == "AA"
    assert len(readings_of(sessions, chair.treatment_id)) == 1


def test_times_without_an_offset_are_read_in_the_treatments_site_zone(sessions, clinic: Clinic):
    with sessions() as db, db.begin():
        db.execute(
            update(Site).where(Site.id == clinic.north_site_id).values(timezone="America/Chicago")
        )
    chair = treatment_in_chair(sessions, clinic.north_site_id, mrn="MRN-004218")
    answers(sessions, fixture("v231-spot-check-plain-units.hl7"))
    rows = readings_of(sessions, chair.treatment_id)
    assert rows[0].observed_at == datetime(2026, 11, 2, 17, 12, 4, tzinfo=UTC)  # 11:12 CST


def test_two_treatments_in_progress_in_one_chair_are_refused_rather_than_guessed(
    sessions, clinic: Clinic
):
    first = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    second = treatment_in_chair(
        sessions, clinic.north_site_id, mrn="MRN-000002", point_of_care="CHAIR-03"
    )
    with sessions() as db, db.begin():
        db.execute(
            update(Treatment)
            .where(Treatment.id == second.treatment_id)
            .values(location_id=first.location_id)
        )
    (ack,) = answers(sessions, fixture("pcd01-v26-location-only.hl7"))
    assert msa(ack)[0] == "AE"
    assert "more than one treatment in progress" in messages(sessions)[0].detail
    assert count(sessions, InboundMessage) == 1
