"""The simulated monitor: PCD-01 style messages our parser and python-hl7 read alike, a cuff
pressure that rises gently to its peak about 40 minutes into dosing (§4.1 [YALE-BP]), occasional
SpO2 dips, and only treatments in dosing or observation in a chair are streamed."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import hl7
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.core.enums import TreatmentState, Vital
from ketacare.interop.hl7v2 import parse_oru, readings_of
from ketacare.services.monitor_simulator import (
    NIBP_EVERY,
    Bed,
    SimulatedMonitor,
    beds,
    oru_message,
)
from tests.factories import Clinic
from tests.services.monitoring import treatment_in_chair

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
VALUES = {
    Vital.SPO2_PERCENT: Decimal(96),
    Vital.HR_BPM: Decimal(71),
    Vital.SBP_MMHG: Decimal(132),
}


def bed(treatment_id: int) -> Bed:
    return Bed(treatment_id, "Chair 1", "CHAIR-01", "MRN-1", START)


def test_a_message_names_the_chair_in_pv1_3_and_reads_back_as_the_values_sent():
    raw = oru_message("SIM1-0", START, VALUES, point_of_care="CHAIR-01")
    message = parse_oru(raw, ZoneInfo("UTC"))
    found = readings_of(message)
    assert (found.control_id, found.mrn, found.location_bed) == ("SIM1-0", None, "CHAIR-01")
    assert [(r.vital, r.value, r.observed_at) for r in found.readings] == [
        ("spo2_percent", Decimal(96), START),
        ("hr_bpm", Decimal(71), START),
        ("sbp_mmhg", Decimal(132), START),
    ]
    assert found.problems == ()
    reference = hl7.parse(raw.decode())
    assert str(reference.segment("PV1")[3][0][2]) == "CHAIR-01"
    assert str(reference.segment("MSH")[9]) == "ORU^R01^ORU_R01"


def test_an_mrn_with_delimiters_is_escaped_and_reads_back_whole():
    raw = oru_message("SIM2-0", START, VALUES, mrn="A|B^C&D~E\\F")
    assert parse_oru(raw, ZoneInfo("UTC")).mrn == "A|B^C&D~E\\F"


def test_the_cuff_reads_every_tenth_message_and_the_oximeter_every_time():
    monitor = SimulatedMonitor(bed(7))
    sent = [monitor.next_values(START + timedelta(seconds=2 * n)) for n in range(25)]
    with_cuff = [n for n, values in enumerate(sent) if Vital.SBP_MMHG in values]
    assert with_cuff == list(range(0, 25, NIBP_EVERY))
    assert all({Vital.SPO2_PERCENT, Vital.HR_BPM, Vital.RR_PER_MIN} <= set(v) for v in sent)


def systolic_at(treatment_id: int, minutes: float) -> Decimal:
    monitor = SimulatedMonitor(bed(treatment_id))
    return monitor.next_values(START + timedelta(minutes=minutes))[Vital.SBP_MMHG]


def test_systolic_pressure_peaks_around_forty_minutes_into_dosing():
    patients = range(1, 200)
    mean_at = {m: statistics.mean(systolic_at(t, m) for t in patients) for m in (0, 40, 120)}
    assert mean_at[40] - mean_at[0] > 8  # [YALE-BP]: mean +16 mmHg at the peak; surges vary
    assert mean_at[40] - mean_at[120] > 8


@settings(max_examples=30, deadline=None)
@given(treatment_id=st.integers(min_value=1, max_value=10**6))
def test_values_stay_plausible_and_spo2_dips_now_and_then(treatment_id: int):
    monitor = SimulatedMonitor(bed(treatment_id))
    sent = [monitor.next_values(START + timedelta(seconds=2 * n)) for n in range(1800)]
    spo2 = [v[Vital.SPO2_PERCENT] for v in sent]
    assert all(Decimal(85) <= s <= Decimal(100) for s in spo2)
    assert min(spo2) <= Decimal(91)  # at least one dip in an hour (1 in 90 per message)
    assert all(Decimal(40) < v[Vital.HR_BPM] < Decimal(120) for v in sent)
    assert all(Decimal(6) < v[Vital.RR_PER_MIN] < Decimal(25) for v in sent)


def test_the_same_treatment_always_gets_the_same_patient_like_values():
    first = SimulatedMonitor(bed(42)).next_values(START)
    again = SimulatedMonitor(bed(42)).next_values(START)
    assert first == again


def test_only_treatments_in_dosing_or_observation_are_streamed(sessions, clinic: Clinic):
    dosing = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-01")
    observed = treatment_in_chair(
        sessions,
        clinic.north_site_id,
        mrn="MRN-000002",
        chair="Chair 2",
        state=TreatmentState.OBSERVATION,
    )
    treatment_in_chair(
        sessions, clinic.south_site_id, mrn="MRN-000003", state=TreatmentState.CLEARED
    )
    with sessions() as db:
        found = beds(db)
    assert [(b.treatment_id, b.chair, b.point_of_care, b.mrn) for b in found] == [
        (dosing.treatment_id, "Chair 1", "CHAIR-01", "MRN-000001"),
        (observed.treatment_id, "Chair 2", None, "MRN-000002"),
    ]
