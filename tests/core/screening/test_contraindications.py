"""Medical contraindications, both sides of every rule.

Sources (clinical-reference): esketamine label contraindications [SPR-ISI] §3.6 (aneurysmal
vascular disease, AVM, intracerebral haemorrhage, hypersensitivity); pregnancy and lactation
[SPR-MEDNET] [SPR-MAG] §3.7; blood pressure [SPR-ISI-2021] §3.4 (threshold wording UNVERIFIED, so a
clinic setting); racemic ketamine: trial exclusions [TRIAL-EXCL] §1.3 and the pain consensus
[COHEN-GC] §2 (poorly controlled CVD, pregnancy, severe hepatic disease, raised ICP/IOP).
"""

from __future__ import annotations

import pytest

from ketacare.core.screening import evaluate
from tests.core.screening.intakes import Changes, facts, rule_ids

ESK, IV, PAIN = "esketamine_nasal", "iv_ketamine_depression", "iv_ketamine_pain"

# (rule id, protocol, changes that make it fire, nearby changes that must not)
CASES: list[tuple[str, str, Changes, Changes]] = [
    (
        "esketamine.aneurysmal_vascular_disease",
        ESK,
        {"medical.aneurysmal_vascular_disease": True},
        {"medical.arteriovenous_malformation": False},
    ),
    (
        "esketamine.arteriovenous_malformation",
        ESK,
        {"medical.arteriovenous_malformation": True},
        {"medical.aneurysmal_vascular_disease": False},
    ),
    (
        "esketamine.intracerebral_haemorrhage",
        ESK,
        {"medical.intracerebral_haemorrhage_history": True},
        {"medical.intracerebral_haemorrhage_history": False},
    ),
    (
        "hypersensitivity",
        ESK,
        {"medical.hypersensitivity_ketamine_or_esketamine": True},
        {"medical.hypersensitivity_ketamine_or_esketamine": False},
    ),
    (
        "ketamine.vascular_lesion",
        IV,
        {"medical.intracerebral_haemorrhage_history": True},
        {"medical.aneurysmal_vascular_disease": False},
    ),
    ("esketamine.pregnancy", ESK, {"medical.pregnant": True}, {"medical.pregnant": False}),
    (
        "ketamine.pregnancy",
        PAIN,
        {"vitals.pregnancy_test": "positive", "medical.pregnant": None},
        {"vitals.pregnancy_test": "not_applicable", "medical.pregnant": None},
    ),
    (
        "esketamine.breastfeeding",
        ESK,
        {"medical.breastfeeding": True},
        {"medical.breastfeeding": False},
    ),
    (
        "depression.breastfeeding",
        IV,
        {"medical.breastfeeding": True},
        {"medical.breastfeeding": False},
    ),
    (
        "esketamine.uncontrolled_hypertension",
        ESK,
        {"medical.hypertension": "uncontrolled"},
        {"medical.hypertension": "controlled"},
    ),
    (
        "esketamine.elevated_baseline_blood_pressure",
        ESK,
        {"vitals.systolic_mmHg": 141},
        {"vitals.systolic_mmHg": 140, "vitals.diastolic_mmHg": 90},
    ),
    (
        "esketamine.cardiovascular_disease",
        ESK,
        {"medical.cardiovascular_disease": "poorly_controlled"},
        {"medical.cardiovascular_disease": "stable"},
    ),
    (
        "depression.uncontrolled_hypertension",
        IV,
        {"medical.hypertension": "uncontrolled"},
        {"medical.hypertension": "controlled"},
    ),
    (
        "ketamine.cardiovascular_disease",
        PAIN,
        {"medical.cardiovascular_disease": "poorly_controlled"},
        {"medical.cardiovascular_disease": "stable"},
    ),
    (
        "ketamine.severe_liver_disease",
        PAIN,
        {"medical.liver_disease": "severe"},
        {"medical.liver_disease": "moderate"},
    ),
    (
        "ketamine.raised_intracranial_pressure",
        PAIN,
        {"medical.raised_intracranial_pressure": True},
        {"medical.raised_intracranial_pressure": False},
    ),
    (
        "ketamine.raised_intraocular_pressure",
        IV,
        {"medical.raised_intraocular_pressure": True},
        {"medical.raised_intraocular_pressure": False},
    ),
]


@pytest.mark.parametrize(("rule_id", "protocol", "fires", "clear"), CASES)
def test_each_contraindication_fires_on_its_fact_and_not_otherwise(
    rule_id: str, protocol: str, fires: Changes, clear: Changes
):
    assert rule_id in rule_ids(protocol, fires)
    assert rule_id not in rule_ids(protocol, clear)


def test_the_baseline_blood_pressure_prompt_reads_the_diastolic_too():
    assert "esketamine.elevated_baseline_blood_pressure" in rule_ids(
        ESK, {"vitals.systolic_mmHg": 130, "vitals.diastolic_mmHg": 91}
    )


def test_the_baseline_blood_pressure_finding_gives_the_reading_and_the_level():
    result = evaluate(facts({"vitals.systolic_mmHg": 150}), ESK)
    assert "Measured 150/78 mmHg; level 140/90 mmHg." in result.findings[0].message
