"""Our vital codes and the LOINC codes and UCUM units they are exported under (§9.2)."""

from __future__ import annotations

import pytest

from ketacare.core.enums import Vital
from ketacare.core.vitals.codes import VITALS, describe, vital_for_loinc


def test_every_vital_code_has_one_table_entry_with_a_source():
    assert set(VITALS) == set(Vital)
    assert all(code.vital == vital and code.source for vital, code in VITALS.items())


@pytest.mark.parametrize(
    ("vital", "loinc", "ucum"),
    [
        (Vital.SBP_MMHG, "8480-6", "mm[Hg]"),
        (Vital.DBP_MMHG, "8462-4", "mm[Hg]"),
        (Vital.MAP_MMHG, "8478-0", "mm[Hg]"),
        (Vital.HR_BPM, "8867-4", "/min"),
        (Vital.PULSE_BPM, "8867-4", "/min"),
        (Vital.SPO2_PERCENT, "2708-6", "%"),
        (Vital.RR_PER_MIN, "9279-1", "/min"),
        (Vital.TEMP_C, "8310-5", "Cel"),
    ],
)
def test_each_vital_is_exported_under_its_loinc_code_and_ucum_unit(vital, loinc, ucum):
    assert (VITALS[vital].loinc, VITALS[vital].ucum) == (loinc, ucum)


@pytest.mark.parametrize(
    ("loinc", "vital"),
    [
        ("8480-6", Vital.SBP_MMHG),
        ("59408-5", Vital.SPO2_PERCENT),
        ("2708-6", Vital.SPO2_PERCENT),
        (" 8867-4 ", Vital.HR_BPM),
        ("8478-0", Vital.MAP_MMHG),
        ("29463-7", None),  # body weight: not a vital we watch
    ],
)
def test_a_loinc_code_from_outside_maps_to_our_vital_or_to_none(loinc, vital):
    assert vital_for_loinc(loinc) == vital


def test_describe_knows_our_codes_only():
    assert describe("spo2_percent") is VITALS[Vital.SPO2_PERCENT]
    assert describe("150456") is None
