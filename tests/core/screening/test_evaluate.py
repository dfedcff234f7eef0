"""Screening as a whole: the issue's worked cases, protocol differences, unknown facts, order.

Sources: esketamine contraindications [SPR-ISI] clinical-reference §3.6 (absolute); racemic
ketamine for depression §1.3 [TRIAL-EXCL] (relative only); interactions §3.8 and §6.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ketacare.core.screening import (
    KINDS,
    PROTOCOLS,
    RULES,
    IntakeFacts,
    InvalidIntake,
    ScreeningError,
    ScreeningSettings,
    evaluate,
)
from tests.core.screening import (
    test_cautions,
    test_contraindications,
    test_interactions,
    test_psychiatric,
)
from tests.core.screening.intakes import facts, medication

ESK, IV = "esketamine_nasal", "iv_ketamine_depression"


def test_a_prior_intracerebral_haemorrhage_makes_a_patient_ineligible_for_esketamine():
    result = evaluate(facts({"medical.intracerebral_haemorrhage_history": True}), ESK)
    assert result.recommendation == "ineligible"
    assert result.findings[0].rule_id == "esketamine.intracerebral_haemorrhage"
    assert result.findings[0].kind == "absolute"
    assert "§3.6" in result.findings[0].source


def test_active_psychosis_needs_at_least_a_review_for_iv_ketamine():
    result = evaluate(facts({"psychiatric.psychosis_history": "current"}), IV)
    assert result.recommendation in ("needs_review", "ineligible")
    assert "depression.psychosis" in [f.rule_id for f in result.findings]


@pytest.mark.parametrize(("mg", "fires"), [("10", True), ("8", False)])
def test_a_benzodiazepine_above_8_mg_diazepam_equivalent_is_an_interaction(mg: str, fires: bool):
    lorazepam = medication("benzodiazepine", "lorazepam", diazepam_equivalent_mg_per_day=mg)
    result = evaluate(facts({"medications": [lorazepam]}), IV)
    kinds = {f.rule_id: f.kind for f in result.findings}
    assert (kinds.get("depression.benzodiazepine_dose") == "interaction") is fires


def test_an_maoi_with_esketamine_is_a_blood_pressure_interaction():
    result = evaluate(facts({"medications": [medication("maoi", "phenelzine")]}), ESK)
    (finding,) = result.findings
    assert (finding.rule_id, finding.kind) == ("esketamine.maoi", "interaction")
    assert "blood pressure" in finding.message
    assert "phenelzine" in finding.message
    assert result.recommendation == "needs_review"


@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_a_clean_complete_intake_is_eligible_for_every_protocol(protocol: str):
    result = evaluate(facts(), protocol)
    assert (result.recommendation, result.findings) == ("eligible", ())


def test_an_aneurysm_is_absolute_for_esketamine_but_not_for_iv_ketamine():
    aneurysm = facts({"medical.aneurysmal_vascular_disease": True})
    assert evaluate(aneurysm, ESK).recommendation == "ineligible"
    iv = evaluate(aneurysm, IV)
    assert iv.recommendation == "needs_review"
    assert [(f.rule_id, f.kind) for f in iv.findings] == [("ketamine.vascular_lesion", "relative")]


def test_an_unknown_fact_gives_a_caution_asking_for_it():
    result = evaluate(facts({"medical.aneurysmal_vascular_disease": None}), ESK)
    (finding,) = result.findings
    assert finding.rule_id == "esketamine.aneurysmal_vascular_disease.unknown"
    assert finding.kind == "caution"
    assert finding.message.startswith("Not known yet: aneurysmal vascular disease.")
    assert result.recommendation == "eligible"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_asks_for_its_facts_when_they_are_unknown(rule_id: str):
    rule = RULES[rule_id]
    unknown = {path: None for path in rule.reads}
    if "medical.pregnant" in rule.reads:
        unknown["vitals.pregnancy_test"] = "not_done"
    result = evaluate(facts(unknown), rule.protocols[0])
    assert f"{rule_id}.unknown" in [f.rule_id for f in result.findings]


def test_an_empty_intake_asks_for_every_fact_the_protocol_reads():
    result = evaluate(IntakeFacts(), ESK)
    assert {f.kind for f in result.findings} == {"caution"}
    asked = {path for f in result.findings for path in f.facts_read}
    assert asked == set(result.facts_read)


def test_every_rule_is_tested_on_both_sides():
    tested = {
        case[0]
        for module in (test_contraindications, test_psychiatric, test_interactions, test_cautions)
        for case in module.CASES
    }
    assert tested == set(RULES)


def test_findings_are_ordered_by_kind_severity_then_rule_id():
    many = facts(
        {
            "psychiatric.current_suicidality": True,
            "medical.pregnant": True,
            "medical.arteriovenous_malformation": True,
            "medical.aneurysmal_vascular_disease": True,
            "medications": [medication("maoi"), medication("opioid")],
        }
    )
    findings = evaluate(many, ESK).findings
    keys = [(KINDS.index(f.kind), f.rule_id) for f in findings]
    assert keys == sorted(keys)
    assert [f.kind for f in findings][:2] == ["absolute", "absolute"]
    assert findings[-1].rule_id == "suicidality"


def test_facts_read_lists_every_fact_the_protocols_rules_read():
    result = evaluate(facts(), ESK)
    assert "medical.intracerebral_haemorrhage_history" in result.facts_read
    assert "medications" in result.facts_read
    assert "medical.liver_disease" not in result.facts_read
    assert list(result.facts_read) == sorted(result.facts_read)


def test_an_unknown_protocol_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidIntake) as refused:
        evaluate(facts(), "ayahuasca")
    assert refused.value.field == "protocol"
    assert "esketamine_nasal" in refused.value.message


def test_a_screening_result_serialises_for_the_decision_snapshot():
    result = evaluate(facts({"medical.pregnant": True}), ESK)
    data = result.to_dict()
    assert data["recommendation"] == "needs_review"
    assert data["findings"] == [
        {
            "rule_id": "esketamine.pregnancy",
            "kind": "relative",
            "message": result.findings[0].message,
            "source": result.findings[0].source,
            "facts_read": ["medical.pregnant", "vitals.pregnancy_test"],
        }
    ]
    assert set(result.by_kind()) == set(KINDS)
    assert result.by_kind()["relative"] == result.findings


def test_clinic_settings_must_be_above_zero():
    with pytest.raises(ScreeningError, match="benzodiazepine"):
        ScreeningSettings(benzodiazepine_diazepam_equivalent_mg_per_day_max=Decimal(0))


def test_every_rule_names_its_source_and_known_protocols():
    for rule in RULES.values():
        assert rule.source.strip()
        assert rule.protocols
        assert set(rule.protocols) <= set(PROTOCOLS)
        assert rule.kind in KINDS
