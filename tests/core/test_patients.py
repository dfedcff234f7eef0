"""Patient record rules: both sides of every plausibility limit, the formats of MRNs, emails and
phone numbers, reading typed numbers, and body-mass index rounding."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.errors import ValidationFailed
from ketacare.core.patients import (
    PatientDetails,
    bmi,
    parse_decimal,
    validate_measurement,
    validate_patient,
)

TODAY = date(2026, 3, 2)

VALID = PatientDetails(
    mrn="MRN-0001",
    given_name="Ada",
    family_name="Lovelace",
    date_of_birth=date(1985, 12, 10),
    sex_at_birth="female",
    site_id=1,
    phone="+1 555 0100",
    email="ada@example.org",
)


def failing_fields(details: PatientDetails) -> dict[str, str]:
    try:
        validate_patient(details, TODAY)
    except ValidationFailed as failed:
        return failed.by_field()
    return {}


def test_a_complete_record_is_valid():
    assert failing_fields(VALID) == {}


def test_every_missing_required_field_is_named_at_once():
    empty = PatientDetails("", "", "", None, "", None)
    assert set(failing_fields(empty)) == {
        "mrn",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex_at_birth",
        "site_id",
    }


@pytest.mark.parametrize(
    ("dob", "ok"),
    [
        (TODAY, True),
        (TODAY + timedelta(days=1), False),
        (date(TODAY.year - 130, 12, 31), True),
        (date(TODAY.year - 130, 1, 1), True),
        (date(TODAY.year - 131, 12, 31), False),
        (None, False),
    ],
)
def test_date_of_birth_limits(dob: date | None, ok: bool):
    fields = failing_fields(replace(VALID, date_of_birth=dob))
    assert ("date_of_birth" not in fields) is ok


@pytest.mark.parametrize(
    ("sex", "ok"),
    [("female", True), ("male", True), ("intersex", True), ("unknown", True), ("F", False)],
)
def test_sex_at_birth_must_be_a_known_value(sex: str, ok: bool):
    assert ("sex_at_birth" not in failing_fields(replace(VALID, sex_at_birth=sex))) is ok


@pytest.mark.parametrize(
    ("mrn", "ok"),
    [
        ("A", True),
        ("MRN-0001", True),
        ("2024/17.3", True),
        ("A" * 32, True),
        ("A" * 33, False),
        ("-A1", False),
        ("A 1", False),
        ("A_1", False),
    ],
)
def test_mrn_format(mrn: str, ok: bool):
    assert ("mrn" not in failing_fields(replace(VALID, mrn=mrn))) is ok


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("", True),
        ("ada@example.org", True),
        ("a.b+c@clinic.co.uk", True),
        ("ada@example", False),
        ("ada.example.org", False),
        ("ada @example.org", False),
        ("@example.org", False),
        ("ada@@example.org", False),
    ],
)
def test_email_format(email: str, ok: bool):
    assert ("email" not in failing_fields(replace(VALID, email=email))) is ok


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("", True),
        ("+1 555 0100", True),
        ("(02) 9876-5432", True),
        ("555.0100", True),
        ("123456", True),
        ("12345", False),
        ("1" * 24, True),
        ("+" + "1" * 24, True),
        ("1" * 25, False),
        ("555-CALL-NOW", False),
        ("++1 555 0100", False),
    ],
)
@pytest.mark.parametrize("field", ["phone", "emergency_contact_phone"])
def test_phone_format(field: str, phone: str, ok: bool):
    assert (field not in failing_fields(replace(VALID, **{field: phone}))) is ok


@pytest.mark.parametrize(("length", "ok"), [(100, True), (101, False)])
@pytest.mark.parametrize("field", ["given_name", "family_name"])
def test_names_are_at_most_100_characters(field: str, length: int, ok: bool):
    assert (field not in failing_fields(replace(VALID, **{field: "x" * length}))) is ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("72.5", Decimal("72.5")),
        (" 72.5 ", Decimal("72.5")),
        ("0", Decimal("0")),
        (Decimal("80.1"), Decimal("80.1")),
        (70, Decimal("70")),
        (70.5, Decimal("70.5")),
    ],
)
def test_parse_decimal_reads_typed_numbers(raw: str | Decimal | float | None, value: Decimal):
    assert parse_decimal(raw, "weight_kg") == value


@pytest.mark.parametrize("raw", ["abc", "72,5", "1e", "NaN", "Infinity", "-inf", "sNaN"])
def test_parse_decimal_refuses_what_is_not_a_finite_number(raw: str):
    with pytest.raises(ValidationFailed) as raised:
        parse_decimal(raw, "weight_kg")
    assert set(raised.value.by_field()) == {"weight_kg"}


def measurement_errors(
    weight: str | None, height: str | None, on: date | None = TODAY
) -> dict[str, str]:
    try:
        validate_measurement(
            None if weight is None else Decimal(weight),
            None if height is None else Decimal(height),
            on,
            TODAY,
        )
    except ValidationFailed as failed:
        return failed.by_field()
    return {}


@pytest.mark.parametrize(
    ("weight", "ok"), [("1", True), ("400", True), ("0.9", False), ("400.1", False), ("72", True)]
)
def test_weight_limits(weight: str, ok: bool):
    assert ("weight_kg" not in measurement_errors(weight, None)) is ok


@pytest.mark.parametrize(
    ("height", "ok"), [("30", True), ("260", True), ("29.9", False), ("260.1", False)]
)
def test_height_limits(height: str, ok: bool):
    assert ("height_cm" not in measurement_errors(None, height)) is ok


def test_a_measurement_needs_a_weight_or_a_height():
    assert set(measurement_errors(None, None)) == {"weight_kg"}


def test_weight_and_height_together_are_valid():
    assert measurement_errors("72.5", "175") == {}


@pytest.mark.parametrize(
    ("on", "ok"), [(TODAY, True), (TODAY - timedelta(days=400), True), (None, False)]
)
def test_measurement_date_is_required(on: date | None, ok: bool):
    assert ("measured_on" not in measurement_errors("70", None, on)) is ok


def test_a_measurement_dated_tomorrow_is_refused():
    assert "measured_on" in measurement_errors("70", None, TODAY + timedelta(days=1))


@pytest.mark.parametrize(
    ("weight", "height", "expected"),
    [
        ("70", "175", "22.9"),
        ("72.5", "180", "22.4"),
        ("100", "200", "25.0"),
        ("22.25", "100", "22.3"),  # exactly half: up, where rounding to even gives 22.2
        ("22.35", "100", "22.4"),  # exactly half: up
        ("1", "260", "0.1"),
        ("400", "30", "4444.4"),
    ],
)
def test_bmi_is_rounded_half_up_to_one_decimal(weight: str, height: str, expected: str):
    assert bmi(Decimal(weight), Decimal(height)) == Decimal(expected)
    assert str(bmi(Decimal(weight), Decimal(height))) == expected


@given(
    weight=st.decimals(min_value=1, max_value=400, places=1),
    height=st.decimals(min_value=30, max_value=260, places=1),
)
def test_bmi_is_within_a_twentieth_of_the_exact_value(weight: Decimal, height: Decimal):
    exact = weight / (height / 100) ** 2
    assert abs(bmi(weight, height) - exact) <= Decimal("0.05")
