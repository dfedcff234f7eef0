"""Drug interactions read from the intake's medication list, per protocol rule set.

Sources: the esketamine label (clinical-reference §3.8) and the interaction table (§6).
Benzodiazepine dose holding before treatments is clinic policy, not a label rule (§6); the dose
level above which the screen flags it is a clinic setting.
"""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.screening.facts import IntakeFacts
from ketacare.core.screening.model import (
    CLEAR,
    UNKNOWN,
    Check,
    Rule,
    ScreeningSettings,
    registrar,
    taking,
)
from ketacare.core.screening.protocols import ESKETAMINE, RACEMIC, RACEMIC_DEPRESSION

RULES: list[Rule] = []
rule = registrar(RULES)
S = ScreeningSettings

MEDICATIONS = ("medications",)
CNS_DEPRESSANTS = ("benzodiazepine", "non_benzodiazepine_hypnotic", "opioid")


@rule(
    "esketamine.cns_depressants",
    ESKETAMINE,
    "interaction",
    "CNS depressants (benzodiazepines, hypnotics, opioids) add to esketamine's sedation: "
    "monitor closely.",
    "[SPR-MEDNET] [SPR-PI2019] drug interactions (clinical-reference §3.8)",
    MEDICATIONS,
    asks="the current medication list",
)
def esketamine_cns_depressants(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, *CNS_DEPRESSANTS)


@rule(
    "esketamine.psychostimulants",
    ESKETAMINE,
    "interaction",
    "Psychostimulants (amphetamines, methylphenidate, modafinil, armodafinil) may increase "
    "blood pressure with esketamine: monitor blood pressure closely.",
    "[SPR-MEDNET] drug interactions (clinical-reference §3.8)",
    MEDICATIONS,
    asks="the current medication list",
)
def esketamine_psychostimulants(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "psychostimulant")


@rule(
    "esketamine.maoi",
    ESKETAMINE,
    "interaction",
    "MAOIs may increase blood pressure with esketamine: monitor blood pressure closely.",
    "[SPR-MEDNET] drug interactions (clinical-reference §3.8)",
    MEDICATIONS,
    asks="the current medication list",
)
def esketamine_maoi(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "maoi")


@rule(
    "ketamine.cns_depressants",
    RACEMIC,
    "interaction",
    "CNS depressants (benzodiazepines, hypnotics, opioids) add to ketamine's sedation and "
    "respiratory depression; opioids may prolong recovery.",
    "[KET-LBL-HS] Ketalar label (clinical-reference §6)",
    MEDICATIONS,
    asks="the current medication list",
)
def racemic_cns_depressants(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, *CNS_DEPRESSANTS)


@rule(
    "depression.benzodiazepine_dose",
    RACEMIC_DEPRESSION,
    "interaction",
    "The daily benzodiazepine dose is above the clinic's level: concomitant benzodiazepines, "
    "especially above 8 mg diazepam-equivalent a day, were associated with a reduced "
    "antidepressant response (trials excluded more than 3 mg lorazepam-equivalent a day).",
    "[BZD-FRONT] [ANDRADE] (clinical-reference §6); [TRIAL-EXCL] (§1.3); the level is a clinic "
    "setting",
    MEDICATIONS,
    asks="the diazepam-equivalent daily dose of every benzodiazepine",
)
def depression_benzodiazepine_dose(facts: IntakeFacts, settings: S) -> Check:
    if facts.medications is None:
        return UNKNOWN
    benzodiazepines = [m for m in facts.medications if m.drug_class == "benzodiazepine"]
    doses = [m.diazepam_equivalent_mg_per_day for m in benzodiazepines]
    total = sum((dose for dose in doses if dose is not None), Decimal(0))
    limit = settings.benzodiazepine_diazepam_equivalent_mg_per_day_max
    if total > limit:
        return Check(True, f"Total {total} mg/day diazepam-equivalent; clinic level {limit}.")
    missing = None in doses
    return UNKNOWN if missing else CLEAR


@rule(
    "ketamine.theophylline",
    RACEMIC,
    "interaction",
    "Theophylline or aminophylline: do not co-administer with ketamine; the combination lowers "
    "the seizure threshold.",
    "[KET-LBL-HS] Ketalar label (clinical-reference §6)",
    MEDICATIONS,
    asks="the current medication list",
)
def racemic_theophylline(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "theophylline")


@rule(
    "depression.naltrexone",
    RACEMIC_DEPRESSION,
    "interaction",
    "Naltrexone: the evidence conflicts. One small crossover trial found it blocked ketamine's "
    "antidepressant effect; a small series in alcohol use disorder found no attenuation.",
    "[NTX-WILLIAMS] [NTX-YOON] (clinical-reference §6, §13 item 10)",
    MEDICATIONS,
    asks="the current medication list",
)
def depression_naltrexone(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "naltrexone")


@rule(
    "ketamine.sympathomimetics",
    RACEMIC,
    "interaction",
    "Sympathomimetics: monitor vital signs closely and consider a dose adjustment.",
    "[KET-LBL-HS] Ketalar label (clinical-reference §6)",
    MEDICATIONS,
    asks="the current medication list",
)
def racemic_sympathomimetics(facts: IntakeFacts, settings: S) -> Check:
    return taking(facts, "sympathomimetic")
