"""Cautions: facts the prescriber should see that do not by themselves call for a review.

Current suicidality points to the same-visit safety workflow (C-SSRS screener, clinical-reference
§5.2 and §11 item 10); esketamine's efficacy in preventing suicide is not established (§3.1).
"""

from __future__ import annotations

from ketacare.core.screening.facts import IntakeFacts
from ketacare.core.screening.model import (
    Check,
    Rule,
    ScreeningSettings,
    any_of,
    registrar,
    taking,
    value_in,
)
from ketacare.core.screening.protocols import ALL, RACEMIC, RACEMIC_DEPRESSION

RULES: list[Rule] = []
rule = registrar(RULES)
S = ScreeningSettings


@rule(
    "suicidality",
    ALL,
    "caution",
    "Current suicidality: complete the C-SSRS screener and follow the clinic's safety workflow "
    "today. Ketamine and esketamine do not replace hospitalisation.",
    "[CSSRS-TRIAGE] [NINDS-CSSRS] (clinical-reference §5.2, §11 item 10); [SPR-SITE] (§3.1)",
    ("psychiatric.current_suicidality",),
)
def suicidality(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.psychiatric.current_suicidality)


@rule(
    "depression.lamotrigine",
    RACEMIC_DEPRESSION,
    "caution",
    "Lamotrigine may reduce ketamine's adverse effects; its effect on the antidepressant "
    "response is unknown.",
    "[ANDRADE] (clinical-reference §6, §13 item 10)",
    ("medications",),
    asks="the current medication list",
)
def depression_lamotrigine(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "lamotrigine")


@rule(
    "ketamine.moderate_liver_disease",
    RACEMIC,
    "caution",
    "Moderate hepatic disease: use ketamine with caution and monitoring; consider baseline and "
    "post-infusion liver function tests.",
    "[COHEN-GC] (clinical-reference §2; pain consensus, applied to racemic ketamine)",
    ("medical.liver_disease",),
)
def racemic_moderate_liver(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.liver_disease, "moderate")
