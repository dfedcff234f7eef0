"""Psychiatric relative contraindications, both sides of every rule.

Sources (clinical-reference): esketamine warnings §3.7 ([SPR-PI2019]: assess psychosis carefully;
abuse and misuse, history of substance use disorder); racemic ketamine for depression §1.3 (current
psychosis or mania excluded trial patients [TRIAL-EXCL]; "particular attention to substance use and
psychosis history" [SAN-MDEDGE]); pain §2 [COHEN-GC] (active psychosis, active substance abuse).
"""

from __future__ import annotations

import pytest

from tests.core.screening.intakes import Changes, rule_ids

ESK, IV, PAIN = "esketamine_nasal", "iv_ketamine_depression", "iv_ketamine_pain"

CASES: list[tuple[str, str, Changes, Changes]] = [
    (
        "esketamine.psychosis",
        ESK,
        {"psychiatric.psychosis_history": "past"},
        {"psychiatric.psychosis_history": "none"},
    ),
    (
        "esketamine.substance_use_disorder",
        ESK,
        {"psychiatric.substance_use_disorder": "past", "psychiatric.substances": ["alcohol"]},
        {"psychiatric.substance_use_disorder": "none"},
    ),
    (
        "depression.psychosis",
        IV,
        {"psychiatric.schizophrenia": True},
        {"psychiatric.psychosis_history": "past"},
    ),
    (
        "depression.mania",
        IV,
        {"psychiatric.mania_history": "current"},
        {"psychiatric.mania_history": "past"},
    ),
    (
        "depression.substance_use_disorder",
        IV,
        {"psychiatric.substance_use_disorder": "current"},
        {"psychiatric.substance_use_disorder": "past"},
    ),
    (
        "pain.psychosis",
        PAIN,
        {"psychiatric.psychosis_history": "current"},
        {"psychiatric.psychosis_history": "past"},
    ),
    (
        "pain.substance_use_disorder",
        PAIN,
        {"psychiatric.substance_use_disorder": "current"},
        {"psychiatric.substance_use_disorder": "past"},
    ),
]


@pytest.mark.parametrize(("rule_id", "protocol", "fires", "clear"), CASES)
def test_each_psychiatric_rule_fires_on_its_fact_and_not_otherwise(
    rule_id: str, protocol: str, fires: Changes, clear: Changes
):
    assert rule_id in rule_ids(protocol, fires)
    assert rule_id not in rule_ids(protocol, clear)


def test_schizophrenia_alone_needs_careful_assessment_for_esketamine():
    assert "esketamine.psychosis" in rule_ids(ESK, {"psychiatric.schizophrenia": True})


def test_current_psychosis_is_flagged_for_ketamine_depression_protocols_by_every_route():
    for protocol in ("iv_ketamine_depression", "im_ketamine", "oral_sublingual_ketamine"):
        assert "depression.psychosis" in rule_ids(
            protocol, {"psychiatric.psychosis_history": "current"}
        )
