"""Bag infusions: the issue's worked example, §10.2's stock strengths, half-up at every boundary,
and every refusal with the words a nurse reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.dosing import (
    DosingError,
    DosingWeight,
    InfusionPlan,
    PrescriberOverride,
    dosing_weight,
    plan_infusion,
)

D = Decimal
STANDARD = {
    "weight_kg": D("70"),
    "dose_mg_per_kg": D("0.5"),
    "duration_min": 40,
    "stock_mg_per_ml": D("100"),
    "bag_ml": D("100"),
}


def planned(**changes: object) -> InfusionPlan:
    return plan_infusion(**{**STANDARD, **changes})  # type: ignore[arg-type]


def test_the_worked_example_gives_35_mg_in_100_35_ml_at_150_5_ml_per_hour():
    p = plan_infusion(
        weight_kg=D("70"),
        dose_mg_per_kg=D("0.5"),
        duration_min=40,
        stock_mg_per_ml=D("100"),
        bag_ml=D("100"),
    )
    assert (str(p.dose_mg), str(p.drug_ml), str(p.total_ml), str(p.rate_ml_per_h)) == (
        "35.0",
        "0.35",
        "100.35",
        "150.5",
    )
    assert (p.weight_kg, p.weight_basis, p.overridden, p.override, p.cap_exceeded) == (
        D("70.0"),
        "actual",
        False,
        None,
        (),
    )
    assert (p.dose_mg_per_kg, p.duration_min, p.stock_mg_per_ml, p.bag_ml) == (
        D("0.5"),
        D("40"),
        D("100"),
        D("100"),
    )


@pytest.mark.parametrize(
    ("changes", "dose_mg", "drug_ml", "total_ml", "rate_ml_per_h"),
    [
        ({"stock_mg_per_ml": D("50")}, "35.0", "0.70", "100.70", "151.1"),
        ({"stock_mg_per_ml": D("10")}, "35.0", "3.50", "103.50", "155.3"),
        (
            {"weight_kg": D("80"), "bag_ml": D("250"), "duration_min": 60},
            "40.0",
            "0.40",
            "250.40",
            "250.4",
        ),
        ({"weight_kg": "92.4", "dose_mg_per_kg": "1.0"}, "92.4", "0.92", "100.92", "151.4"),
        ({"duration_min": D("40.5")}, "35.0", "0.35", "100.35", "148.7"),
    ],
)
def test_other_stock_strengths_weights_and_durations_follow_the_same_arithmetic(
    changes: dict[str, object], dose_mg: str, drug_ml: str, total_ml: str, rate_ml_per_h: str
):
    p = planned(**changes)
    assert (str(p.dose_mg), str(p.drug_ml), str(p.total_ml), str(p.rate_ml_per_h)) == (
        dose_mg,
        drug_ml,
        total_ml,
        rate_ml_per_h,
    )


@pytest.mark.parametrize(
    ("weight_kg", "dose_mg_per_kg", "dose_mg"),
    [
        ("25", "0.01", "0.3"),  # 0.25 mg exactly: half-up (half-even would give 0.2)
        ("24.9", "0.01", "0.2"),  # 0.249 mg
        ("70.5", "0.5", "35.3"),  # 35.25 mg
        ("70.4", "0.5", "35.2"),  # 35.20 mg
        ("70.7", "0.15", "10.6"),  # 10.605 mg
    ],
)
def test_the_dose_rounds_half_up_to_a_tenth_of_a_milligram(
    weight_kg: str, dose_mg_per_kg: str, dose_mg: str
):
    p = planned(weight_kg=weight_kg, dose_mg_per_kg=dose_mg_per_kg, stock_mg_per_ml="10")
    assert str(p.dose_mg) == dose_mg


@pytest.mark.parametrize(
    ("weight_kg", "dose_mg_per_kg", "drug_ml"),
    [
        ("50", "0.01", "0.01"),  # 0.5 mg / 100 = 0.005 mL exactly: half-up
        ("73", "0.5", "0.37"),  # 36.5 mg / 100 = 0.365 mL (half-even would give 0.36)
        ("72.8", "0.5", "0.36"),  # 36.4 mg / 100 = 0.364 mL
    ],
)
def test_the_drug_volume_rounds_half_up_to_a_hundredth_of_a_millilitre(
    weight_kg: str, dose_mg_per_kg: str, drug_ml: str
):
    assert str(planned(weight_kg=weight_kg, dose_mg_per_kg=dose_mg_per_kg).drug_ml) == drug_ml


@pytest.mark.parametrize(
    ("weight_kg", "duration_min", "rate_ml_per_h"),
    [
        ("50", 60, "100.3"),  # 100.25 mL over 1 h: 100.25 exactly, half-up
        ("50", 120, "50.1"),  # 100.25 mL over 2 h: 50.125
        ("20", 120, "50.1"),  # 100.10 mL over 2 h: 50.05 exactly, half-up
        ("20", 60, "100.1"),  # 100.10 mL over 1 h
        ("70", 40, "150.5"),  # 100.35 mL over 40 min: 150.525
    ],
)
def test_the_pump_rate_rounds_half_up_to_a_tenth_of_a_millilitre_per_hour(
    weight_kg: str, duration_min: int, rate_ml_per_h: str
):
    p = planned(weight_kg=weight_kg, duration_min=duration_min)
    assert str(p.rate_ml_per_h) == rate_ml_per_h


def test_an_ideal_weight_basis_is_used_and_shown_on_the_plan():
    ideal = dosing_weight("ideal", D("120"), D("180"), "male")
    p = planned(weight_kg=ideal)
    assert (p.weight_basis, p.weight_kg, p.dose_mg) == ("ideal", D("75.0"), D("37.5"))
    assert "Devine" in p.weight.formula


@pytest.mark.parametrize("weight_kg", ["20", "350", D("20.0"), 350])
def test_weights_at_the_ends_of_the_range_are_accepted(weight_kg: object):
    assert planned(weight_kg=weight_kg).weight_kg in (D("20"), D("350"))


@pytest.mark.parametrize("weight_kg", ["19.9", "350.1", "19.95", "0", "-70"])
def test_weights_outside_20_to_350_kg_are_refused_with_the_range(weight_kg: str):
    with pytest.raises(DosingError, match=r"outside the range .* \(20-350 kg\)") as refused:
        planned(weight_kg=weight_kg)
    assert refused.value.field == "weight_kg"
    assert "kg, not lb" in str(refused.value)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("duration_min", 0, "Infusion duration must be more than 0 min; got 0 min."),
        ("duration_min", -40, "Infusion duration must be more than 0 min; got -40 min."),
        ("stock_mg_per_ml", "0", "Stock concentration must be more than 0 mg/mL; got 0 mg/mL."),
        ("stock_mg_per_ml", "-100", "Stock concentration must be more than 0 mg/mL"),
        ("bag_ml", "0", "Bag volume must be more than 0 mL; got 0 mL."),
        ("bag_ml", "-1", "Bag volume must be more than 0 mL"),
        ("dose_mg_per_kg", "0", "Dose must be more than 0 mg/kg; got 0 mg/kg."),
        ("dose_mg_per_kg", "-0.5", "Dose must be more than 0 mg/kg"),
        ("cap_mg", "0", "Dose cap must be more than 0 mg"),
        ("cap_mg_per_kg", "-1", "Dose cap must be more than 0 mg/kg"),
    ],
)
def test_zero_and_negative_inputs_are_refused_naming_the_input(
    field: str, value: object, words: str
):
    with pytest.raises(DosingError) as refused:
        planned(**{field: value})
    assert words in str(refused.value)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("abc", "Dose: 'abc' is not a number."),
        ("", "Dose: '' is not a number."),
        ("NaN", "Dose: 'NaN' is not a finite number."),
        (D("-Infinity"), "Dose: -Infinity is not a finite number."),
        (
            0.5,
            'Dose: 0.5 is not usable; give it as a whole number, a decimal or text such as "0.5".',
        ),
        (None, "Dose: None is not usable"),
        (True, "Dose: True is not usable"),
    ],
)
def test_inputs_that_are_not_exact_numbers_are_refused(value: object, words: str):
    with pytest.raises(DosingError) as refused:
        planned(dose_mg_per_kg=value)
    assert str(refused.value).startswith(words)
    assert refused.value.field == "dose_mg_per_kg"


def test_text_with_surrounding_spaces_is_read_as_the_number():
    assert planned(dose_mg_per_kg=" 0.5 ").dose_mg == D("35.0")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weight_kg": "20", "dose_mg_per_kg": "0.002"}, "dose_mg_per_kg", "rounds to 0.0 mg"),
        ({"weight_kg": "20", "dose_mg_per_kg": "0.02"}, "stock_mg_per_ml", "rounds to 0.00 mL"),
        ({"bag_ml": "0.01", "duration_min": 10000}, "duration_min", "rounds to 0.0 mL/h"),
    ],
)
def test_results_that_round_to_nothing_are_refused(
    changes: dict[str, object], field: str, words: str
):
    with pytest.raises(DosingError, match=words) as refused:
        planned(**changes)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("caps", "words"),
    [
        ({"cap_mg": "34.9"}, "The dose of 35.0 mg is above the protocol's cap of 34.9 mg."),
        (
            {"cap_mg_per_kg": "0.4"},
            "The dose of 0.5 mg/kg is above the protocol's cap of 0.4 mg/kg.",
        ),
    ],
)
def test_a_dose_above_a_cap_is_refused_without_an_override(caps: dict[str, str], words: str):
    with pytest.raises(DosingError) as refused:
        planned(**caps)
    assert (
        str(refused.value)
        == f"{words} Only a prescriber override with a reason can allow this dose."
    )
    assert refused.value.field == "dose_mg_per_kg"


def test_a_dose_above_both_caps_names_both():
    with pytest.raises(DosingError, match=r"0\.5 mg/kg .* 35\.0 mg is above"):
        planned(cap_mg="30", cap_mg_per_kg="0.4")


def test_a_dose_exactly_at_its_caps_needs_no_override():
    p = planned(cap_mg="35", cap_mg_per_kg="0.5")
    assert (p.overridden, p.cap_mg, p.cap_mg_per_kg) == (False, D("35"), D("0.5"))


def test_a_prescriber_override_with_a_reason_lets_a_capped_dose_through_and_is_recorded():
    override = PrescriberOverride(prescriber_id=7, reason="Tolerated 0.75 mg/kg last course")
    p = planned(dose_mg_per_kg="0.75", cap_mg_per_kg="0.5", override=override)
    assert (p.dose_mg, p.overridden, p.override) == (D("52.5"), True, override)
    assert p.cap_exceeded == ("The dose of 0.75 mg/kg is above the protocol's cap of 0.5 mg/kg.",)


def test_an_override_for_a_dose_within_its_cap_is_not_recorded_as_overriding():
    p = planned(cap_mg="40", override=PrescriberOverride(7, "just in case"))
    assert (p.overridden, p.override, p.cap_exceeded) == (False, None, ())


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_an_override_without_a_reason_is_refused(reason: str):
    with pytest.raises(DosingError, match="needs the prescriber's reason") as refused:
        PrescriberOverride(prescriber_id=7, reason=reason)
    assert refused.value.field == "reason"


@pytest.mark.parametrize("prescriber_id", [0, -3, True])
def test_an_override_must_name_a_real_prescriber(prescriber_id: int):
    with pytest.raises(DosingError, match="must name the prescriber") as refused:
        PrescriberOverride(prescriber_id=prescriber_id, reason="clinical need")
    assert refused.value.field == "prescriber_id"


def test_a_dosing_weight_built_by_hand_is_still_checked_against_the_range():
    with pytest.raises(DosingError, match="Weight 10 kg is outside") as refused:
        planned(weight_kg=DosingWeight("actual", D("10"), "typed in"))
    assert refused.value.field == "weight_kg"
