"""Medical contraindications (absolute and relative), per protocol rule set, each with its source.

Section numbers are those of the clinical reference (docs: shared/domain/clinical-reference.md).
Esketamine: label contraindications (§3.6) are absolute; warnings (§3.7) are relative. Racemic
ketamine: the APA statement, trial exclusions (§1.3) and the pain consensus (§2) list relative
contraindications only.
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
    any_of,
    registrar,
    value_in,
)
from ketacare.core.screening.protocols import ESKETAMINE, RACEMIC, RACEMIC_DEPRESSION

RULES: list[Rule] = []
rule = registrar(RULES)
S = ScreeningSettings

ANEURYSM = "medical.aneurysmal_vascular_disease"
AVM = "medical.arteriovenous_malformation"
ICH = "medical.intracerebral_haemorrhage_history"
HYPERSENSITIVITY = "medical.hypersensitivity_ketamine_or_esketamine"
PREGNANT, PREGNANCY_TEST = "medical.pregnant", "vitals.pregnancy_test"
BREASTFEEDING = "medical.breastfeeding"
HYPERTENSION = "medical.hypertension"
CVD = "medical.cardiovascular_disease"
LIVER = "medical.liver_disease"


def pregnancy(facts: IntakeFacts) -> Check:
    """Pregnant, or a positive test; a negative or not-applicable test answers it too."""
    test = facts.vitals.pregnancy_test
    if facts.medical.pregnant or test == "positive":
        return FIRES
    if facts.medical.pregnant is None and test not in ("negative", "not_applicable"):
        return UNKNOWN
    return CLEAR


@rule(
    "esketamine.aneurysmal_vascular_disease",
    ESKETAMINE,
    "absolute",
    "Aneurysmal vascular disease (aorta, intracranial or peripheral arteries) is a "
    "contraindication to esketamine: it raises blood pressure.",
    "[SPR-ISI] SPRAVATO label contraindications (clinical-reference §3.6)",
    (ANEURYSM,),
)
def esketamine_aneurysm(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.aneurysmal_vascular_disease)


@rule(
    "esketamine.arteriovenous_malformation",
    ESKETAMINE,
    "absolute",
    "An arteriovenous malformation is a contraindication to esketamine.",
    "[SPR-ISI] SPRAVATO label contraindications (clinical-reference §3.6)",
    (AVM,),
)
def esketamine_avm(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.arteriovenous_malformation)


@rule(
    "esketamine.intracerebral_haemorrhage",
    ESKETAMINE,
    "absolute",
    "A history of intracerebral haemorrhage is a contraindication to esketamine.",
    "[SPR-ISI] SPRAVATO label contraindications (clinical-reference §3.6)",
    (ICH,),
)
def esketamine_haemorrhage(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.intracerebral_haemorrhage_history)


@rule(
    "hypersensitivity",
    ESKETAMINE + RACEMIC,
    "absolute",
    "Hypersensitivity to ketamine, esketamine or an excipient is a contraindication.",
    "[SPR-ISI] SPRAVATO label contraindications (clinical-reference §3.6; names ketamine too). "
    "The Ketalar label's own contraindication text was not read.",
    (HYPERSENSITIVITY,),
)
def hypersensitivity(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.hypersensitivity_ketamine_or_esketamine)


@rule(
    "ketamine.vascular_lesion",
    RACEMIC,
    "relative",
    "Aneurysm, arteriovenous malformation or past intracerebral haemorrhage: ketamine raises "
    "blood pressure; trials excluded unstable cerebrovascular disease, and these are "
    "contraindications for esketamine. Weigh the risk before treating.",
    "[TRIAL-EXCL] (clinical-reference §1.3); [SPR-ISI] (§3.6) for esketamine",
    (ANEURYSM, AVM, ICH),
)
def racemic_vascular_lesion(facts: IntakeFacts, settings: S) -> Check:
    medical = facts.medical
    return any_of(
        medical.aneurysmal_vascular_disease,
        medical.arteriovenous_malformation,
        medical.intracerebral_haemorrhage_history,
    )


@rule(
    "esketamine.pregnancy",
    ESKETAMINE,
    "relative",
    "Esketamine is not recommended in pregnancy (fetal harm in animal data).",
    "[SPR-MEDNET] [SPR-MAG] (clinical-reference §3.7)",
    (PREGNANT, PREGNANCY_TEST),
)
def esketamine_pregnancy(facts: IntakeFacts, settings: S) -> Check:
    return pregnancy(facts)


@rule(
    "ketamine.pregnancy",
    RACEMIC,
    "relative",
    "Pregnancy is a relative contraindication to ketamine and excluded patients from trials.",
    "[TRIAL-EXCL] (clinical-reference §1.3); [COHEN-GC] (§2)",
    (PREGNANT, PREGNANCY_TEST),
)
def racemic_pregnancy(facts: IntakeFacts, settings: S) -> Check:
    return pregnancy(facts)


@rule(
    "esketamine.breastfeeding",
    ESKETAMINE,
    "relative",
    "Breastfeeding is not recommended during esketamine treatment.",
    "[SPR-MEDNET] [SPR-MAG] (clinical-reference §3.7)",
    (BREASTFEEDING,),
)
def esketamine_breastfeeding(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.breastfeeding)


@rule(
    "depression.breastfeeding",
    RACEMIC_DEPRESSION,
    "relative",
    "Lactation excluded patients from ketamine depression trials.",
    "[TRIAL-EXCL] (clinical-reference §1.3)",
    (BREASTFEEDING,),
)
def depression_breastfeeding(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.breastfeeding)


@rule(
    "esketamine.uncontrolled_hypertension",
    ESKETAMINE,
    "relative",
    "Uncontrolled hypertension: esketamine raises blood pressure (peak about 40 minutes after "
    "a dose, lasting about 4 hours). Weigh the risk and document the decision.",
    "[SPR-ISI-2021] label §5.6 (clinical-reference §3.4; the US PI threshold wording is "
    "UNVERIFIED)",
    (HYPERTENSION,),
)
def esketamine_hypertension(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.hypertension, "uncontrolled")


@rule(
    "esketamine.elevated_baseline_blood_pressure",
    ESKETAMINE,
    "relative",
    "Baseline blood pressure is above the clinic's consider-risk level for esketamine: weigh "
    "the risk of short-term rises against the benefit and document the decision.",
    "clinical-reference §3.4: US PI '>140/90 consider risk' wording UNVERIFIED; a clinic "
    "setting (default 140/90), not an automatic hold",
    ("vitals.systolic_mmHg", "vitals.diastolic_mmHg"),
    asks="baseline systolic and diastolic blood pressure",
)
def esketamine_baseline_bp(facts: IntakeFacts, settings: S) -> Check:
    systolic, diastolic = facts.vitals.systolic_mmHg, facts.vitals.diastolic_mmHg
    if systolic is None or diastolic is None:
        return UNKNOWN
    high_systolic = settings.esketamine_baseline_systolic_prompt_mmHg
    high_diastolic = settings.esketamine_baseline_diastolic_prompt_mmHg
    if systolic > high_systolic or diastolic > high_diastolic:
        return Check(
            True,
            f"Measured {systolic}/{diastolic} mmHg; level {high_systolic}/{high_diastolic} mmHg.",
        )
    return CLEAR


@rule(
    "esketamine.cardiovascular_disease",
    ESKETAMINE,
    "relative",
    "Poorly controlled cardiovascular disease: the label warns against esketamine where a rise "
    "in blood pressure poses a serious risk.",
    "[SPR-ISI-2021] label §5.6 (clinical-reference §3.4; sentence read only in part)",
    (CVD,),
)
def esketamine_cvd(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.cardiovascular_disease, "poorly_controlled")


@rule(
    "depression.uncontrolled_hypertension",
    RACEMIC_DEPRESSION,
    "relative",
    "Uncontrolled hypertension excluded patients from ketamine depression trials; ketamine "
    "raises blood pressure.",
    "[TRIAL-EXCL] (clinical-reference §1.3)",
    (HYPERTENSION,),
)
def depression_hypertension(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.hypertension, "uncontrolled")


@rule(
    "ketamine.cardiovascular_disease",
    RACEMIC,
    "relative",
    "Poorly controlled cardiovascular disease is a relative contraindication to ketamine.",
    "[COHEN-GC] (clinical-reference §2); [TRIAL-EXCL] (§1.3)",
    (CVD,),
)
def racemic_cvd(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.cardiovascular_disease, "poorly_controlled")


@rule(
    "ketamine.severe_liver_disease",
    RACEMIC,
    "relative",
    "Severe hepatic disease: the pain consensus advises avoiding ketamine.",
    "[COHEN-GC] (clinical-reference §2; pain consensus, applied to racemic ketamine)",
    (LIVER,),
)
def racemic_severe_liver(facts: IntakeFacts, settings: S) -> Check:
    return value_in(facts.medical.liver_disease, "severe")


@rule(
    "ketamine.raised_intracranial_pressure",
    RACEMIC,
    "relative",
    "Raised intracranial pressure: do not use ketamine, or use lower doses with extreme caution.",
    "[COHEN-GC] (clinical-reference §2; pain consensus, applied to racemic ketamine)",
    ("medical.raised_intracranial_pressure",),
)
def racemic_icp(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.raised_intracranial_pressure)


@rule(
    "ketamine.raised_intraocular_pressure",
    RACEMIC,
    "relative",
    "Raised intraocular pressure: do not use ketamine, or use lower doses with extreme caution.",
    "[COHEN-GC] (clinical-reference §2; pain consensus, applied to racemic ketamine)",
    ("medical.raised_intraocular_pressure",),
)
def racemic_iop(facts: IntakeFacts, settings: S) -> Check:
    return any_of(facts.medical.raised_intraocular_pressure)
