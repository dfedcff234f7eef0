"""Weight bases: Devine's ideal weight worked by hand, the adjusted weight and its factor, and the
refusals when the formula has nothing to work from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.dosing import DosingError, dosing_weight
from ketacare.core.enums import SexAtBirth

D = Decimal


@pytest.mark.parametrize(
    ("height_cm", "sex", "kg"),
    [
        ("180", "male", "75.0"),  # 50 + 2.3 x (70.866... - 60) = 74.9921...
        ("152.4", "male", "50.0"),  # exactly five feet
        ("152.4", "female", "45.5"),
        ("165", "female", "56.9"),  # 45.5 + 2.3 x 4.9606... = 56.9094...
        ("147", "female", "40.6"),  # below five feet, extrapolated: 45.5 - 4.8897... = 40.6102...
        ("177.8", SexAtBirth.MALE, "73.0"),  # 70 inches exactly
    ],
)
def test_devine_ideal_weight_matches_the_worked_arithmetic(height_cm: str, sex: str, kg: str):
    weight = dosing_weight("ideal", D("90"), height_cm, sex)
    assert (weight.basis, str(weight.kg)) == ("ideal", kg)
    assert weight.formula.startswith("ideal body weight (Devine): ")


def test_the_ideal_weight_formula_is_shown_filled_in():
    weight = dosing_weight("ideal", D("90"), D("180"), "male")
    assert weight.formula == (
        "ideal body weight (Devine): 50 kg + 2.3 kg x (180 cm / 2.54 - 60 in) = 75.0 kg"
    )


@pytest.mark.parametrize(
    ("factor", "kg"),
    [
        (None, "93.0"),  # 74.9921 + 0.4 x 45.0079 = 92.9953: from the exact ideal
        ("0.3", "88.5"),  # 74.9921 + 0.3 x 45.0079 = 88.4945
        ("0", "75.0"),
        ("1", "120.0"),
    ],
)
def test_adjusted_weight_adds_a_configurable_share_of_the_excess(factor: str | None, kg: str):
    extra = {} if factor is None else {"adjusted_factor": factor}
    weight = dosing_weight("adjusted", D("120"), D("180"), "male", **extra)
    assert (weight.basis, str(weight.kg)) == ("adjusted", kg)


def test_the_adjusted_weight_formula_is_shown_filled_in():
    assert dosing_weight("adjusted", "120", "180", "male").formula == (
        "adjusted body weight: ideal 75.0 kg + 0.4 x (actual 120 kg - ideal 75.0 kg) = 93.0 kg"
    )


@pytest.mark.parametrize(("given", "kg"), [("70.25", "70.3"), ("70.24", "70.2"), (70, "70.0")])
def test_actual_weight_is_rounded_half_up_to_a_tenth_of_a_kilogram(given: object, kg: str):
    weight = dosing_weight("actual", given)  # type: ignore[arg-type]
    assert (weight.basis, str(weight.kg), weight.formula) == (
        "actual",
        kg,
        f"actual weight {kg} kg",
    )


@pytest.mark.parametrize(
    ("args", "field", "words"),
    [
        (("ideal", "80", None, "male"), "height_cm", "need the patient's height in cm"),
        (("adjusted", "80", None, "female"), "height_cm", "need the patient's height in cm"),
        (("ideal", "80", "0", "male"), "height_cm", "Height must be more than 0 cm"),
        (("ideal", "80", "-170", "male"), "height_cm", "Height must be more than 0 cm"),
        (("ideal", "80", "170", None), "sex_at_birth", "only for sex at birth male or female"),
        (
            ("ideal", "80", "170", "intersex"),
            "sex_at_birth",
            "only for sex at birth male or female",
        ),
        (("adjusted", "80", "170", SexAtBirth.UNKNOWN), "sex_at_birth", "male or female"),
        (("lean", "80", "170", "male"), "basis", "choose one of actual, ideal, adjusted"),
        (("ideal", "19.9", "170", "male"), "weight_kg", "Weight 19.9 kg is outside"),
        (("ideal", "80", "120", "female"), "weight_kg", "Ideal body weight 16.2 kg is outside"),
        (("adjusted", "21", "120", "female"), "weight_kg", "Adjusted body weight 18.1 kg"),
        (("ideal", "80", "abc", "male"), "height_cm", "Height: 'abc' is not a number."),
    ],
)
def test_weights_that_cannot_be_worked_out_are_refused(
    args: tuple[object, ...], field: str, words: str
):
    with pytest.raises(DosingError, match=words) as refused:
        dosing_weight(*args)  # type: ignore[arg-type]
    assert refused.value.field == field


@pytest.mark.parametrize("factor", ["1.01", "-0.1"])
def test_an_adjusted_factor_outside_0_to_1_is_refused(factor: str):
    with pytest.raises(DosingError, match="must be from 0 to 1") as refused:
        dosing_weight("adjusted", "120", "180", "male", adjusted_factor=factor)
    assert refused.value.field == "adjusted_factor"
