"""Intake facts: what from_dict refuses (naming the field), and what it keeps.

Plausibility ranges are data-entry limits from the intake schema (docs/intake.schema.json), not
clinical thresholds; issue 4 asks that 400/20 mmHg, a weight of 0 and future dates be refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ketacare.core.errors import KetacareError
from ketacare.core.screening import IntakeFacts, InvalidIntake
from tests.core.screening.intakes import Changes, facts, intake_data, medication

TODAY = date(2025, 3, 1)


def refusals(changes: Changes, today: date | None = None) -> dict[str, str]:
    with pytest.raises(InvalidIntake) as refused:
        IntakeFacts.from_dict(intake_data(changes), today=today)
    return dict(refused.value.errors)


def test_an_unknown_key_is_refused_naming_it_and_the_known_ones():
    errors = refusals({"medical.glaucoma": True})
    assert "medical.glaucoma" in errors
    assert "raised_intraocular_pressure" in errors["medical.glaucoma"]


def test_an_unknown_top_level_key_is_refused():
    assert "labs" in refusals({"labs": {}})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"medical.pregnant": "yes"}, "medical.pregnant"),
        ({"referral.failed_antidepressant_trials": "3"}, "referral.failed_antidepressant_trials"),
        ({"psychiatric.suicide_attempts": True}, "psychiatric.suicide_attempts"),
        ({"vitals.weight_kg": "heavy"}, "vitals.weight_kg"),
        ({"vitals.measured_on": "15/01/2025"}, "vitals.measured_on"),
        ({"referral.diagnoses": "F33.2"}, "referral.diagnoses"),
        ({"medical": []}, "medical"),
        ({"medications": {"name": "x"}}, "medications"),
        ({"medications": ["sertraline"]}, "medications[0]"),
        ({"medical.liver_disease": "mild"}, "medical.liver_disease"),
    ],
)
def test_a_wrong_type_or_value_is_refused_naming_the_field(changes: Changes, field: str):
    assert field in refusals(changes)


def test_a_blood_pressure_of_400_over_20_is_refused_on_both_fields():
    errors = refusals({"vitals.systolic_mmHg": 400, "vitals.diastolic_mmHg": 20})
    assert errors["vitals.systolic_mmHg"] == "400 is outside 50 to 260"
    assert errors["vitals.diastolic_mmHg"] == "20 is outside 30 to 160"


def test_a_diastolic_at_or_above_the_systolic_is_refused():
    errors = refusals({"vitals.systolic_mmHg": 90, "vitals.diastolic_mmHg": 90})
    assert errors == {"vitals.diastolic_mmHg": "90 must be below the systolic pressure 90"}


def test_a_weight_of_zero_is_refused():
    assert refusals({"vitals.weight_kg": 0}) == {"vitals.weight_kg": "0 is outside 1 to 400"}


def test_a_measurement_date_in_the_future_is_refused_when_today_is_given():
    changes = {"vitals.measured_on": "2025-03-02"}
    assert refusals(changes, today=TODAY) == {"vitals.measured_on": "2025-03-02 is in the future"}
    assert facts(changes).vitals.measured_on == date(2025, 3, 2)  # no today, no future check


def test_every_problem_is_reported_at_once_and_joined_in_the_message():
    with pytest.raises(InvalidIntake) as refused:
        IntakeFacts.from_dict(
            intake_data({"vitals.weight_kg": 0, "medications": [{"class": "opioid"}]})
        )
    assert refused.value.errors == [
        ("vitals.weight_kg", "0 is outside 1 to 400"),
        ("medications[0].name", "is required"),
    ]
    assert isinstance(refused.value, KetacareError)
    assert "vitals.weight_kg: 0 is outside 1 to 400" in str(refused.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"medications": [medication("opioid", diazepam_equivalent_mg_per_day="5")]},
            "medications[0].diazepam_equivalent_mg_per_day",
        ),
        ({"medications": [medication("witchcraft")]}, "medications[0].class"),
        (
            {"medications": [medication("opioid", daily_dose_mg="1.23456")]},
            "medications[0].daily_dose_mg",
        ),
        ({"psychiatric.substances": ["alcohol"]}, "psychiatric.substances"),
        ({"vitals.pregnancy_test": "positive"}, "medical.pregnant"),
        ({"referral.diagnoses": ["F33.2", "F33.2"]}, "referral.diagnoses"),
        ({"referral.diagnoses": ["Z99.9"]}, "referral.diagnoses"),
        ({"referral.referral_reason": "x" * 2001}, "referral.referral_reason"),
    ],
)
def test_values_that_cannot_be_true_together_or_off_list_are_refused(changes: Changes, field: str):
    assert field in refusals(changes)


def test_a_non_object_is_refused():
    with pytest.raises(InvalidIntake, match="must be an object"):
        IntakeFacts.from_dict(["not", "an", "intake"])


def test_omitted_and_null_facts_are_unknown():
    empty = IntakeFacts.from_dict({"medical": None, "vitals": {"weight_kg": None}})
    assert empty == IntakeFacts()
    assert "medical.pregnant" in empty.unknown_fields()
    assert "medications" in empty.unknown_fields()
    assert facts().unknown_fields() == (
        "referral.prior_response",
        "psychiatric.cssrs_response_id",
        "medical.other_conditions",
        "medications_free_text",
    )


def test_an_empty_medication_list_means_none_rather_than_unknown():
    assert facts({"medications": []}).medications == ()
    assert IntakeFacts().medications is None


def test_decimals_accept_strings_ints_and_json_numbers_and_are_stored_as_strings():
    parsed = facts({"vitals.weight_kg": 72.5, "vitals.height_cm": 180})
    assert parsed.vitals.weight_kg == Decimal("72.5")
    assert parsed.to_dict()["vitals"] == {
        **intake_data()["vitals"],
        "weight_kg": "72.5",
        "height_cm": "180",
    }


def test_bmi_is_derived_from_weight_and_height():
    assert facts(
        {"vitals.weight_kg": "80", "vitals.height_cm": "180"}
    ).vitals.bmi_kg_per_m2 == Decimal("24.7")
    assert IntakeFacts().vitals.bmi_kg_per_m2 is None


def test_facts_round_trip_through_their_dict_and_read_by_path():
    original = facts(
        {"medications": [medication("benzodiazepine", diazepam_equivalent_mg_per_day="7.5")]}
    )
    assert IntakeFacts.from_dict(original.to_dict()) == original
    assert original.value_at("medical.pregnant") is False
    assert original.value_at("medications") == [
        {
            "name": "benzodiazepine",
            "class": "benzodiazepine",
            "daily_dose_mg": None,
            "diazepam_equivalent_mg_per_day": "7.5",
        }
    ]
    with pytest.raises(KeyError):
        original.value_at("medical.nonsense")
