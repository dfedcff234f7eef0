"""Drug interactions from the medication list, both sides of every rule.

Sources (clinical-reference): esketamine label §3.8 [SPR-MEDNET] [SPR-PI2019] (CNS depressants:
sedation; psychostimulants and MAOIs: blood pressure); interaction table §6: Ketalar label
[KET-LBL-HS] (CNS depressants, theophylline: do not co-administer, sympathomimetics: monitor),
benzodiazepines above 8 mg diazepam-equivalent/day [BZD-FRONT] (a clinic setting, default 8),
naltrexone conflicting evidence [NTX-WILLIAMS] [NTX-YOON].
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.screening import ScreeningSettings
from tests.core.screening.intakes import Changes, medication, rule_ids

ESK, IV, PAIN = "esketamine_nasal", "iv_ketamine_depression", "iv_ketamine_pain"


def taking(*medications: dict[str, object]) -> Changes:
    return {"medications": list(medications)}


CASES: list[tuple[str, str, Changes, Changes]] = [
    (
        "esketamine.cns_depressants",
        ESK,
        taking(medication("opioid", "oxycodone")),
        taking(medication("antidepressant")),
    ),
    (
        "esketamine.psychostimulants",
        ESK,
        taking(medication("psychostimulant", "methylphenidate")),
        taking(medication("antihypertensive")),
    ),
    ("esketamine.maoi", ESK, taking(medication("maoi", "phenelzine")), taking()),
    (
        "ketamine.cns_depressants",
        PAIN,
        taking(medication("non_benzodiazepine_hypnotic", "zolpidem")),
        taking(medication("other")),
    ),
    (
        "depression.benzodiazepine_dose",
        IV,
        taking(medication("benzodiazepine", diazepam_equivalent_mg_per_day="10")),
        taking(medication("benzodiazepine", diazepam_equivalent_mg_per_day="8")),
    ),
    (
        "ketamine.theophylline",
        IV,
        taking(medication("theophylline")),
        taking(medication("antidepressant")),
    ),
    ("depression.naltrexone", IV, taking(medication("naltrexone")), taking()),
    (
        "ketamine.sympathomimetics",
        PAIN,
        taking(medication("sympathomimetic", "pseudoephedrine")),
        taking(medication("psychostimulant")),
    ),
]


@pytest.mark.parametrize(("rule_id", "protocol", "fires", "clear"), CASES)
def test_each_interaction_fires_on_its_medication_class_and_not_otherwise(
    rule_id: str, protocol: str, fires: Changes, clear: Changes
):
    assert rule_id in rule_ids(protocol, fires)
    assert rule_id not in rule_ids(protocol, clear)


def bzd(mg: str) -> Changes:
    return taking(medication("benzodiazepine", "lorazepam", diazepam_equivalent_mg_per_day=mg))


def test_a_clinic_level_of_5_makes_6_mg_diazepam_equivalent_fire():
    settings = ScreeningSettings(benzodiazepine_diazepam_equivalent_mg_per_day_max=Decimal(5))
    assert "depression.benzodiazepine_dose" in rule_ids(IV, bzd("6"), settings)
    assert "depression.benzodiazepine_dose" not in rule_ids(IV, bzd("6"))


def test_benzodiazepine_doses_add_up_across_medications():
    two = taking(
        medication("benzodiazepine", "a", diazepam_equivalent_mg_per_day="5"),
        medication("benzodiazepine", "b", diazepam_equivalent_mg_per_day="4"),
    )
    assert "depression.benzodiazepine_dose" in rule_ids(IV, two)


def test_a_benzodiazepine_without_its_diazepam_equivalent_asks_for_it():
    ids = rule_ids(IV, taking(medication("benzodiazepine", "clonazepam")))
    assert "depression.benzodiazepine_dose.unknown" in ids
    assert "depression.benzodiazepine_dose" not in ids


def test_a_known_dose_above_the_level_fires_even_when_another_dose_is_missing():
    meds = taking(
        medication("benzodiazepine", "a", diazepam_equivalent_mg_per_day="9"),
        medication("benzodiazepine", "b"),
    )
    assert "depression.benzodiazepine_dose" in rule_ids(IV, meds)
