"""Psychiatric relative contraindications, per protocol rule set, each with its source.

Esketamine: assess psychosis carefully and assess abuse risk, including past substance use
disorder (clinical-reference §3.7). Racemic ketamine for depression: current psychosis or mania
excluded trial patients [TRIAL-EXCL] and the APA statement asks for attention to substance use and
psychosis history (§1.3). Pain: active psychosis and active substance abuse (§2).
"""

from __future__ import annotations

from ketacare.core.screening.facts import IntakeFacts
from ketacare.core.screening.model import (
    CLEAR,
    FIRES,
    UNKNOWN,
    Check,
    Rule,
    ScreeningSettings,
    registrar,
    value_in,
)
from ketacare.core.screening.protocols import ESKETAMINE, RACEMIC_DEPRESSION, RACEMIC_PAIN

RULES: list[Rule] = []
rule = registrar(RULES)
S = ScreeningSettings

PSYCHOSIS, SCHIZOPHRENIA = "psychiatric.psychosis_history", "psychiatric.schizophrenia"
MANIA = "psychiatric.mania_history"
SUD = "psychiatric.substance_use_disorder"


def psychosis(facts: IntakeFacts, *histories: str) -> Check:
    """Fires on a listed psychosis history or on schizophrenia; unknown when either is missing."""
    history, schizophrenia = facts.psychiatric.psychosis_history, facts.psychiatric.schizophrenia
    if history in histories or schizophrenia:
        return FIRES
    if history is None or schizophrenia is None:
        return UNKNOWN
    return CLEAR


@rule(
    "esketamine.psychosis",
    ESKETAMINE,
    "relative",
    "Psychosis (past or current) or schizophrenia: the label asks for careful assessment "
    "before dosing; esketamine causes dissociation in most patients.",
    "[SPR-PI2019] warnings (clinical-reference §3.7)",
    (PSYCHOSIS, SCHIZOPHRENIA),
)
def esketamine_psychosis(facts: IntakeFacts, settings: S) -> Check:
    return psychosis(facts, "past", "current")


@rule(
    "esketamine.substance_use_disorder",
    ESKETAMINE,
    "relative",
    "Substance use disorder (past or current): esketamine is Schedule III; assess abuse and "
    "misuse risk before prescribing.",
    "[SPR-PI2019] [SPR-HCP] abuse and misuse warning (clinical-reference §3.7)",
    (SUD,),
)
def esketamine_sud(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.psychiatric.substance_use_disorder, "past", "current")


@rule(
    "depression.psychosis",
    RACEMIC_DEPRESSION,
    "relative",
    "Current psychosis or schizophrenia excluded patients from ketamine depression trials; "
    "the strongest evidence is for depression without psychotic features.",
    "[TRIAL-EXCL] [SAN-GATEWAY] (clinical-reference §1.3)",
    (PSYCHOSIS, SCHIZOPHRENIA),
)
def depression_psychosis(facts: IntakeFacts, settings: S) -> Check:
    return psychosis(facts, "current")


@rule(
    "depression.mania",
    RACEMIC_DEPRESSION,
    "relative",
    "Current mania excluded patients from ketamine depression trials.",
    "[TRIAL-EXCL] (clinical-reference §1.3)",
    (MANIA,),
)
def depression_mania(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.psychiatric.mania_history, "current")


@rule(
    "depression.substance_use_disorder",
    RACEMIC_DEPRESSION,
    "relative",
    "Current substance use disorder: the APA statement asks for particular attention to "
    "substance use; consider urine toxicology.",
    "[SAN-MDEDGE] [SAN-LOPEZ] (clinical-reference §1.3)",
    (SUD,),
)
def depression_sud(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.psychiatric.substance_use_disorder, "current")


@rule(
    "pain.psychosis",
    RACEMIC_PAIN,
    "relative",
    "Active psychosis is a relative contraindication to ketamine for pain.",
    "[COHEN-GC] (clinical-reference §2)",
    (PSYCHOSIS,),
)
def pain_psychosis(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.psychiatric.psychosis_history, "current")


@rule(
    "pain.substance_use_disorder",
    RACEMIC_PAIN,
    "relative",
    "Active substance abuse: no serial ketamine infusions; use universal precautions.",
    "[COHEN-GC] [COHEN-BLOG] (clinical-reference §2)",
    (SUD,),
)
def pain_sud(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.psychiatric.substance_use_disorder, "current")
