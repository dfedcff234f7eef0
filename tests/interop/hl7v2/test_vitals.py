"""OBX rows become readings: MDC and LOINC codes, UCUM/MDC/plain units converted to the stored
ones, invalid values kept and flagged with no number, and unknown codes reported for an AE."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.enums import Vital
from ketacare.interop.hl7v2 import parse_oru, readings_of
from ketacare.interop.hl7v2.units import degf_to_degc, kpa_to_mmhg
from tests.interop.hl7v2.fixtures import SITE_ZONE, fixture

T0 = datetime(2026, 11, 2, 8, 30, 15, 125000, tzinfo=UTC)
NIBP = datetime(2026, 11, 2, 8, 29, tzinfo=UTC)
SPOT = datetime(2026, 11, 2, 16, 12, 4, tzinfo=UTC)
B4 = datetime(2026, 11, 2, 15, 15, tzinfo=UTC)
HUB, HUB_BP = datetime(2026, 11, 2, 17, tzinfo=UTC), datetime(2026, 11, 2, 16, 59, 30, tzinfo=UTC)
NW, NW_BP = datetime(2026, 11, 2, 13, tzinfo=UTC), datetime(2026, 11, 2, 12, 58, tzinfo=UTC)
PULSE_OX = "0012A4FFFE3B9C11"

# (vital, value, observed_at, unit as received, device id, why invalid) per fixture, in order.
EXPECTED = {
    "pcd01-v26-location-only.hl7": [
        (Vital.SPO2_PERCENT, Decimal(96), T0, "262688", PULSE_OX, None),
        (Vital.PULSE_BPM, Decimal(88), T0, "264864", PULSE_OX, None),
        (Vital.HR_BPM, Decimal(87), T0, "264864", PULSE_OX, None),
        (Vital.RR_PER_MIN, Decimal(14), T0, "264928", PULSE_OX, None),
        (Vital.SBP_MMHG, Decimal(142), NIBP, "266016", PULSE_OX, None),
        (Vital.DBP_MMHG, Decimal(88), NIBP, "266016", PULSE_OX, None),
        (Vital.MAP_MMHG, Decimal(106), NIBP, "266016", PULSE_OX, None),
    ],
    "v24-device-rows-and-sentinels.hl7": [
        (Vital.SPO2_PERCENT, Decimal(98), B4, "262688", None, None),
        (Vital.PULSE_BPM, None, B4, "264864", None, "invalid-value marker -999"),
        (Vital.SBP_MMHG, None, B4, "266016", None, "invalid-value marker -999"),
        (Vital.DBP_MMHG, None, B4, "266016", None, "invalid-value marker -999"),
        (Vital.TEMP_C, None, B4, "268192", None, "invalid-value marker -99.9"),
    ],
    "v231-spot-check-plain-units.hl7": [
        (Vital.SBP_MMHG, Decimal(131), SPOT, "mmHg", None, None),
        (Vital.DBP_MMHG, Decimal(84), SPOT, "mmHg", None, None),
        (Vital.PULSE_BPM, Decimal(76), SPOT, "bpm", None, None),
        (Vital.SPO2_PERCENT, Decimal(99), SPOT, "%", None, None),
        (Vital.TEMP_C, Decimal("36.8"), SPOT, "Cel", None, None),
    ],
    "v251-loinc-ucum.hl7": [
        (Vital.SBP_MMHG, Decimal(152), HUB_BP, "mm[Hg]", None, None),
        (Vital.DBP_MMHG, Decimal(93), HUB_BP, "mm[Hg]", None, None),
        (Vital.HR_BPM, Decimal(92), HUB, "/min", None, None),
        (Vital.SPO2_PERCENT, Decimal(95), HUB, "%", None, None),
        (Vital.RR_PER_MIN, Decimal(16), HUB, "/min", None, None),
    ],
    "escapes-repetitions-two-obr.hl7": [
        (Vital.SPO2_PERCENT, Decimal(91), NW, "262688", None, None),
        (Vital.PULSE_BPM, Decimal(104), NW, "264864", None, None),
        (Vital.SBP_MMHG, Decimal(176), NW_BP, "266016", None, None),
        (Vital.DBP_MMHG, Decimal(104), NW_BP, "266016", None, None),
    ],
}
KEYS = {
    "pcd01-v26-location-only.hl7": (None, "CHAIR-03", (PULSE_OX,), "0012A4FFFE3B9C10"),
    "v24-device-rows-and-sentinels.hl7": (None, "CHAIR-07", (), "0080192FFE1443EC"),
    "v231-spot-check-plain-units.hl7": ("MRN-004218", "CHAIR-01", (), None),
    "v251-loinc-ucum.hl7": ("MRN-000917", "CHAIR-02", (), None),
    "escapes-repetitions-two-obr.hl7": ("MRN-000055", "CHAIR-05", (), "0012A4FFFE3B9C10"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_exactly_its_readings(name: str) -> None:
    found = readings_of(parse_oru(fixture(name), SITE_ZONE))
    assert [tuple(r) for r in found.readings] == EXPECTED[name]
    assert found.problems == ()


@pytest.mark.parametrize("name", sorted(KEYS))
def test_each_fixture_gives_the_keys_that_identify_its_patient(name: str) -> None:
    found = readings_of(parse_oru(fixture(name), SITE_ZONE))
    assert (found.mrn, found.location_bed, found.device_ids, found.gateway_id) == KEYS[name]


def test_invalid_readings_have_no_number_and_valid_ones_always_do() -> None:
    found = readings_of(parse_oru(fixture("v24-device-rows-and-sentinels.hl7"), SITE_ZONE))
    assert [(r.valid, r.value is None) for r in found.readings] == [(True, False)] + [
        (False, True)
    ] * 4


def message(*rows: str, version: str = "2.6") -> bytes:
    head = f"MSH|^~\\&|MON||||20261102093000+0000||ORU^R01|1|P|{version}\rPV1||O|^^CHAIR-01\r"
    return (head + "\r".join(rows) + "\r").encode()


def only(raw: bytes) -> tuple[object, ...]:
    found = readings_of(parse_oru(raw, SITE_ZONE))
    assert len(found.readings) == 1, found
    reading = found.readings[0]
    return (reading.vital, reading.value, reading.invalid_reason)


@pytest.mark.parametrize(
    ("row", "vital", "value"),
    [
        ("OBX|1|NM|8478-0^Mean blood pressure^LN||95|mm[Hg]|||||F", Vital.MAP_MMHG, Decimal(95)),
        ("OBX|1|NM|2708-6^^LN||97|%|||||F", Vital.SPO2_PERCENT, Decimal(97)),
        ("OBX|1|NM|8310-5^^LOINC||37.2|Cel|||||F", Vital.TEMP_C, Decimal("37.2")),
        ("OBX|1|NM|8867-4||61|/min|||||F", Vital.HR_BPM, Decimal(61)),
        ("OBX|1|NM|150364^^MDC||36.6|268192^^MDC|||||F", Vital.TEMP_C, Decimal("36.6")),
        ("OBX|1|NM|150023^^MDC||90|mm Hg|||||F", Vital.MAP_MMHG, Decimal(90)),
        ("OBX|1|NM|150021^^MDC||16|kPa|||||F", Vital.SBP_MMHG, Decimal("120.01")),
        ("OBX|1|NM|150022^^MDC||10.666|265987^MDC_DIM_KILO_PASCAL^MDC|||||F", Vital.DBP_MMHG,
         Decimal("80.00")),
        ("OBX|1|NM|150344^^MDC||98.6|[degF]|||||F", Vital.TEMP_C, Decimal("37.00")),
        ("OBX|1|NM|150344^^MDC||100.4|266560^^MDC|||||F", Vital.TEMP_C, Decimal("38.00")),
        ("OBX|1|NM|150344^^MDC||37|^degC|||||F", Vital.TEMP_C, Decimal(37)),
        ("OBX|1|NM|151562^^MDC||12|breaths/min|||||F", Vital.RR_PER_MIN, Decimal(12)),
        ("OBX|1|NM|149530^^MDC||70||||||F", Vital.PULSE_BPM, Decimal(70)),
        ("OBX|1|NM|150456^^MDC||97||||||F", Vital.SPO2_PERCENT, Decimal(97)),
        ("OBX|1|NM|150456^^MDC|| +97.5 |PERCENT|||||C", Vital.SPO2_PERCENT, Decimal("97.5")),
    ],
)  # fmt: skip
def test_codes_and_units_map_and_convert_to_the_stored_unit(
    row: str, vital: Vital, value: Decimal
) -> None:
    assert only(message(row)) == (vital, value, None)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("OBX|1|NM|150456^^MDC||97|%|||||X", "result status X: the result cannot be obtained"),
        ("OBX|1|NM|150456^^MDC||97|%|||||W", "result status W: the result was sent in error"),
        ("OBX|1|NM|150456^^MDC|||%|||||F", "no value"),
        ("OBX|1||150456^^MDC||||||||X", "result status X: the result cannot be obtained"),
        ("OBX|1||150456^^MDC||||||||R", "no value"),
        ("OBX|1|NM|150456^^MDC||abc|%|||||F", "not a number: 'abc'"),
        ("OBX|1|NM|150456^^MDC||NaN|%|||||F", "not a number: 'NaN'"),
        ("OBX|1|NM|150456^^MDC||Infinity|%|||||F", "not a number: 'Infinity'"),
        ("OBX|1|NM|150456^^MDC||-999.0|%|||||F", "invalid-value marker -999.0"),
        ("OBX|1|NM|150456^^MDC||-9999|%|||||F", "invalid-value marker -9999"),
        ("OBX|1|NM|150344^^MDC||-99.99|Cel|||||F", "invalid-value marker -99.99"),
        ("OBX|1|NM|147842^^MDC||-3|/min|||||F", "negative value -3"),
        ("OBX|1|NM|150456^^MDC||127|%|||||F", "above the possible maximum 100: 127"),
    ],
)
def test_rows_without_a_usable_measurement_become_invalid_readings(row: str, reason: str) -> None:
    assert only(message(row))[1:] == (None, reason)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("OBX|1|NM|12345^MDC_MYSTERY^MDC||4|%|||||F", "unknown code 12345^MDC_MYSTERY^MDC (OBX 1)"),
        ("OBX|7|NM|150456^SpO2^99LOCAL||97|%|||||F", "unknown code 150456^SpO2^99LOCAL (OBX 7)"),
        ("OBX|2|NM|8480-6^^MDC||120|mm[Hg]|||||F", "unknown code 8480-6^^MDC (OBX 2)"),
    ],
)  # fmt: skip
def test_unknown_numeric_codes_are_reported_for_an_ae_and_give_no_reading(
    row: str, problem: str
) -> None:
    found = readings_of(parse_oru(message(row), SITE_ZONE))
    assert (found.readings, found.problems) == ((), (problem,))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("OBX|3|NM|150456^^MDC||97|mmHg|||||F", "unit 'mmHg' does not fit spo2_percent (OBX 3)"),
        ("OBX|3|NM|150021^^MDC||120||||||F", "unit '' does not fit sbp_mmhg (OBX 3)"),
        ("OBX|3|NM|150344^^MDC||37|furlongs|||||F", "unit 'furlongs' does not fit temp_c (OBX 3)"),
    ],
)  # fmt: skip
def test_a_unit_that_does_not_fit_the_vital_is_reported_and_kept_invalid(
    row: str, problem: str
) -> None:
    found = readings_of(parse_oru(message(row), SITE_ZONE))
    assert found.problems == (problem,)
    assert [(r.value, r.valid) for r in found.readings] == [(None, False)]


def test_string_rows_and_descriptive_device_rows_are_ignored() -> None:
    found = readings_of(
        parse_oru(
            message(
                "OBX|1|ST|68220^MDC_ATTR_SYS_TYPE^MDC||PULSE OXIMETER||||||R",
                "OBX|2||69642^MDC_DEV_ANALY_SAT_O2_VMD^MDC|1.3.0.0|||||||X",
                "OBX|3|CWE|99999^SOMETHING^MDC||A^B||||||F",
            ),
            SITE_ZONE,
        )
    )
    assert (found.readings, found.problems) == ((), ())


def test_a_device_id_applies_to_later_rows_of_the_same_mds_and_group_only() -> None:
    found = readings_of(
        parse_oru(
            message(
                "OBR|1",
                "OBX|1||70000^MDC_DEV_MON^MDC|1.0.0.0|||||||X|||||||00-12-a4-ff-fe-3b-9c-20^^^",
                "OBX|2|NM|150456^^MDC|1.3.1.150456|97|%|||||F",
                "OBX|3|NM|147842^^MDC|2.1.1.147842|61|/min|||||F",
                "OBR|2",
                "OBX|4|NM|150456^^MDC|1.3.1.150456|96|%|||||F",
                "OBX|5|NM|150456^^MDC|1.3.1.150456|95|%|||||F|||||||SERIAL-9",
            ),
            SITE_ZONE,
        )
    )
    assert [r.device_id for r in found.readings] == ["0012A4FFFE3B9C20", None, None, "SERIAL-9"]
    assert found.device_ids == ("0012A4FFFE3B9C20", "SERIAL-9")


@given(st.decimals(min_value=0, max_value=40, places=3))
def test_kpa_conversion_matches_the_conventional_mmhg_within_rounding(kpa: Decimal) -> None:
    mmhg = kpa_to_mmhg(kpa)
    assert abs(mmhg * Decimal("133.322387415") - kpa * 1000) <= Decimal("0.005") * Decimal(
        "133.322387415"
    )
    assert mmhg.as_tuple().exponent == -2


@given(st.decimals(min_value=80, max_value=115, places=1))
def test_fahrenheit_converts_back_within_rounding(degf: Decimal) -> None:
    degc = degf_to_degc(degf)
    assert abs(degc * 9 / 5 + 32 - degf) <= Decimal("0.009")


def test_an_eui64_is_preferred_to_other_equipment_ids_on_the_same_row() -> None:
    row = "OBX|1|NM|150456^^MDC|1.3.1|97|%|||||F|||||||SERIAL-9~X^^0012A4FFFE3B9C30^EUI-64"
    found = readings_of(parse_oru(message(row), SITE_ZONE))
    assert [r.device_id for r in found.readings] == ["0012A4FFFE3B9C30"]
