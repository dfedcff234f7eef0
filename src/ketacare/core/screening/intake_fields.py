"""The intake's fields, group by group, as data: validation, storage and schema all read these.

Numeric ranges are data-entry plausibility limits that catch typing mistakes; they are not
clinical thresholds (those are rules, with sources, in the rule modules).
"""

from __future__ import annotations

from decimal import Decimal

from ketacare.core.screening.diagnoses import DIAGNOSES
from ketacare.core.screening.fields import (
    Amount,
    Choice,
    Codes,
    Day,
    FieldKind,
    Flag,
    Text,
    Whole,
)

_LIMIT = " The range is a data-entry plausibility limit, not a clinical threshold."
HISTORY = ("none", "past", "current")

MEDICATION_CLASSES = (
    "benzodiazepine",
    "non_benzodiazepine_hypnotic",
    "opioid",
    "psychostimulant",
    "maoi",
    "lamotrigine",
    "naltrexone",
    "theophylline",
    "antihypertensive",
    "antidepressant",
    "sympathomimetic",
    "other",
)

SUBSTANCES = {
    "alcohol": "Alcohol",
    "cannabis": "Cannabis",
    "hallucinogens": "Hallucinogens",
    "ketamine": "Ketamine",
    "inhalants": "Inhalants",
    "opioids": "Opioids",
    "sedatives": "Sedatives, hypnotics or anxiolytics",
    "stimulants": "Stimulants",
    "tobacco": "Tobacco",
    "other": "Other",
}

REFERRAL: dict[str, FieldKind] = {
    "referral_reason": Text(
        "Why the patient was referred, in the referrer's or clinician's words."
    ),
    "diagnoses": Codes("ICD-10-CM codes from the curated list (diagnoses.py).", DIAGNOSES),
    "failed_antidepressant_trials": Whole(
        "Adequate antidepressant trials (dose and duration) that failed." + _LIMIT, 0, 20
    ),
    "prior_ketamine": Choice(
        "Earlier treatment with ketamine, esketamine, both or neither.",
        ("none", "ketamine", "esketamine", "both"),
    ),
    "prior_response": Text("How the patient responded to earlier ketamine or esketamine."),
}

PSYCHIATRIC: dict[str, FieldKind] = {
    "psychosis_history": Choice("Psychotic episodes: none, in the past, or current.", HISTORY),
    "schizophrenia": Flag("A diagnosis of schizophrenia."),
    "mania_history": Choice("Manic episodes: none, in the past, or current.", HISTORY),
    "substance_use_disorder": Choice("Substance use disorder: none, past or current.", HISTORY),
    "substances": Codes("Substances involved in the substance use disorder.", SUBSTANCES),
    "suicide_attempts": Whole("Lifetime number of suicide attempts." + _LIMIT, 0, 100),
    "current_suicidality": Flag("Current suicidal ideation or behaviour."),
    "cssrs_response_id": Whole(
        "The id of the latest C-SSRS screener response, when one was completed.", 1, 2**63 - 1
    ),
}

MEDICAL: dict[str, FieldKind] = {
    "hypertension": Choice("Hypertension and its control.", ("none", "controlled", "uncontrolled")),
    "cardiovascular_disease": Choice(
        "Cardiovascular disease and its control.", ("none", "stable", "poorly_controlled")
    ),
    "aneurysmal_vascular_disease": Flag(
        "Aneurysmal vascular disease: thoracic or abdominal aorta, intracranial or peripheral "
        "arterial vessels."
    ),
    "arteriovenous_malformation": Flag("An arteriovenous malformation."),
    "intracerebral_haemorrhage_history": Flag("Any past intracerebral haemorrhage."),
    "raised_intracranial_pressure": Flag("Raised intracranial pressure."),
    "raised_intraocular_pressure": Flag("Raised intraocular pressure (e.g. glaucoma)."),
    "liver_disease": Choice("Hepatic disease severity.", ("none", "moderate", "severe")),
    "seizures": Flag("A seizure disorder or past seizures."),
    "pregnant": Flag("Currently pregnant."),
    "breastfeeding": Flag("Currently breastfeeding."),
    "hypersensitivity_ketamine_or_esketamine": Flag(
        "Hypersensitivity to ketamine, esketamine or any excipient."
    ),
    "other_conditions": Text("Other medical conditions, as free text.", 4000),
}

MEDICATION: dict[str, FieldKind] = {
    "name": Text("The medication's name as the patient takes it.", 200),
    "class": Choice("The medication's class, as screening rules read it.", MEDICATION_CLASSES),
    "daily_dose_mg": Amount("Total daily dose in mg." + _LIMIT, Decimal("0.001"), Decimal(100000)),
    "diazepam_equivalent_mg_per_day": Amount(
        "For benzodiazepines only: the daily dose in mg diazepam-equivalent, as worked out by the "
        "clinician (no conversion table is built in)." + _LIMIT,
        Decimal("0.001"),
        Decimal(1000),
    ),
}
MEDICATION_REQUIRED = ("name", "class")

MEDICATIONS_FREE_TEXT = Text("Medications that did not fit the list, as free text.", 4000)

VITALS: dict[str, FieldKind] = {
    "systolic_mmHg": Whole("Baseline systolic blood pressure in mmHg." + _LIMIT, 50, 260),
    "diastolic_mmHg": Whole(
        "Baseline diastolic blood pressure in mmHg, below the systolic." + _LIMIT, 30, 160
    ),
    "heart_rate_bpm": Whole("Baseline heart rate in beats per minute." + _LIMIT, 20, 250),
    "spo2_percent": Whole("Baseline oxygen saturation (SpO2) in percent." + _LIMIT, 50, 100),
    "weight_kg": Amount("Body weight in kg." + _LIMIT, Decimal(1), Decimal(400)),
    "height_cm": Amount("Height in cm (BMI is derived)." + _LIMIT, Decimal(30), Decimal(260)),
    "pregnancy_test": Choice(
        "Pregnancy test result, where applicable.",
        ("not_applicable", "negative", "positive", "not_done"),
    ),
    "measured_on": Day("The date the vitals were measured (YYYY-MM-DD); not in the future."),
}

GROUPS: dict[str, dict[str, FieldKind]] = {
    "referral": REFERRAL,
    "psychiatric": PSYCHIATRIC,
    "medical": MEDICAL,
    "vitals": VITALS,
}
TOP_LEVEL = ("referral", "psychiatric", "medical", "medications", "medications_free_text", "vitals")
