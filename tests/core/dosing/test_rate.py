"""Continuous infusions dosed per hour: §10.2's worked example, half-up rounding, caps and
refusals; and a prepared bag's concentration."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.dosing import (
    DosingError,
    PrescriberOverride,
    bag_concentration_mg_per_ml,
    plan_rate_infusion,
)

D = Decimal


def test_half_a_milligram_per_kilogram_per_hour_for_80_kg_at_1_mg_per_ml_runs_at_40_ml_per_hour():
    p = plan_rate_infusion(
        weight_kg=D("80"), dose_mg_per_kg_per_h=D("0.5"), concentration_mg_per_ml=D("1")
    )
    assert (str(p.dose_mg_per_h), str(p.rate_ml_per_h)) == ("40.0", "40.0")
    assert (p.weight_kg, p.weight_basis, p.overridden, p.cap_exceeded) == (
        D("80.0"),
        "actual",
        False,
        (),
    )


@pytest.mark.parametrize(
    ("weight_kg", "per_kg", "concentration", "mg_per_h", "ml_per_h"),
    [
        ("70.5", "0.5", "1", "35.3", "35.3"),  # 35.25 mg/h: half-up
        ("80", "0.35", "2", "28.0", "14.0"),
        ("71", "0.5", "2", "35.5", "17.8"),  # 17.75 mL/h: half-up
        ("70", "0.5", "0.349", "35.0", "100.3"),  # 100.286...
    ],
)
def test_the_hourly_dose_and_the_rate_each_round_half_up_to_a_tenth(
    weight_kg: str, per_kg: str, concentration: str, mg_per_h: str, ml_per_h: str
):
    p = plan_rate_infusion(
        weight_kg=weight_kg, dose_mg_per_kg_per_h=per_kg, concentration_mg_per_ml=concentration
    )
    assert (str(p.dose_mg_per_h), str(p.rate_ml_per_h)) == (mg_per_h, ml_per_h)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"weight_kg": "350.1"}, "weight_kg", "outside the range"),
        ({"dose_mg_per_kg_per_h": "0"}, "dose_mg_per_kg_per_h", "Dose rate must be more than 0"),
        ({"concentration_mg_per_ml": "-1"}, "concentration_mg_per_ml", "must be more than 0 mg/mL"),
        ({"dose_mg_per_kg_per_h": "0.0005"}, "dose_mg_per_kg_per_h", "rounds to 0.0 mg/h"),
        ({"concentration_mg_per_ml": "1000"}, "concentration_mg_per_ml", "rounds to 0.0 mL/h"),
        ({"cap_mg_per_h": "0"}, "cap_mg_per_h", "Dose rate cap must be more than 0 mg/h"),
        ({"cap_mg_per_h": "39.9"}, "dose_mg_per_kg_per_h", "40.0 mg/h is above the protocol's cap"),
        ({"cap_mg_per_kg_per_h": "0.4"}, "dose_mg_per_kg_per_h", "0.5 mg/kg/h is above"),
    ],
)
def test_out_of_range_rate_inputs_and_uncleared_caps_are_refused(
    changes: dict[str, object], field: str, words: str
):
    inputs = {"weight_kg": "80", "dose_mg_per_kg_per_h": "0.5", "concentration_mg_per_ml": "1"}
    with pytest.raises(DosingError, match=words) as refused:
        plan_rate_infusion(**{**inputs, **changes})  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_rate_above_its_cap_goes_through_only_with_a_recorded_override():
    override = PrescriberOverride(3, "CRPS, refractory at 1 mg/kg/h")
    p = plan_rate_infusion(
        weight_kg="80",
        dose_mg_per_kg_per_h="2",
        concentration_mg_per_ml="2",
        cap_mg_per_kg_per_h="1",
        cap_mg_per_h="100",
        override=override,
    )
    assert (p.dose_mg_per_h, p.rate_ml_per_h, p.overridden) == (D("160.0"), D("80.0"), True)
    assert len(p.cap_exceeded) == 2
    assert (p.cap_mg_per_h, p.cap_mg_per_kg_per_h) == (D("100"), D("1"))


@pytest.mark.parametrize(
    ("drug_mg", "total_ml", "concentration"),
    [
        ("500", "500", "1.000"),
        ("35", "100.35", "0.349"),
        ("500", "250", "2.000"),
        ("1", "8", "0.125"),
    ],
)
def test_a_bag_concentration_is_drug_over_volume_to_a_thousandth(
    drug_mg: str, total_ml: str, concentration: str
):
    assert str(bag_concentration_mg_per_ml(drug_mg, total_ml)) == concentration


@pytest.mark.parametrize(
    ("drug_mg", "total_ml", "field"), [("0", "100", "drug_mg"), ("35", "0", "total_ml")]
)
def test_a_bag_concentration_needs_a_drug_amount_and_a_volume(
    drug_mg: str, total_ml: str, field: str
):
    with pytest.raises(DosingError, match="must be more than 0") as refused:
        bag_concentration_mg_per_ml(drug_mg, total_ml)
    assert refused.value.field == field
