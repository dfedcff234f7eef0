"""Cautions, both sides of every rule.

Sources (clinical-reference): current suicidality → same-visit C-SSRS safety workflow §5.2, §11
item 10 [CSSRS-TRIAGE] [NINDS-CSSRS]; lamotrigine may reduce adverse effects, efficacy effect
unknown [ANDRADE] §6, §13 item 10; moderate hepatic disease: caution and monitoring [COHEN-GC] §2.
"""

from __future__ import annotations

import pytest

from ketacare.core.screening import evaluate
from tests.core.screening.intakes import Changes, facts, medication, rule_ids

CASES: list[tuple[str, str, Changes, Changes]] = [
    (
        "suicidality",
        "esketamine_nasal",
        {"psychiatric.current_suicidality": True},
        {"psychiatric.current_suicidality": False},
    ),
    (
        "depression.lamotrigine",
        "iv_ketamine_depression",
        {"medications": [medication("lamotrigine")]},
        {"medications": []},
    ),
    (
        "ketamine.moderate_liver_disease",
        "iv_ketamine_pain",
        {"medical.liver_disease": "moderate"},
        {"medical.liver_disease": "severe"},
    ),
]


@pytest.mark.parametrize(("rule_id", "protocol", "fires", "clear"), CASES)
def test_each_caution_fires_on_its_fact_and_not_otherwise(
    rule_id: str, protocol: str, fires: Changes, clear: Changes
):
    assert rule_id in rule_ids(protocol, fires)
    assert rule_id not in rule_ids(protocol, clear)


@pytest.mark.parametrize(
    "protocol",
    [
        "esketamine_nasal",
        "iv_ketamine_depression",
        "iv_ketamine_pain",
        "im_ketamine",
        "oral_sublingual_ketamine",
    ],
)
def test_current_suicidality_points_to_the_cssrs_for_every_protocol(protocol: str):
    result = evaluate(facts({"psychiatric.current_suicidality": True}), protocol)
    (finding,) = [f for f in result.findings if f.rule_id == "suicidality"]
    assert finding.kind == "caution"
    assert "C-SSRS" in finding.message
    assert result.recommendation == "eligible"
