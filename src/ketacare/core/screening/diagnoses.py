"""The curated ICD-10-CM diagnoses an intake may record, with their tabular-list titles.

Curated for ketamine-assisted treatment referrals (issue 4): depressive episodes and recurrent
depression, bipolar depression, GAD, PTSD, OCD, chronic pain syndromes, CRPS, fibromyalgia and
neuropathic pain. Only billable (leaf) codes are listed. Titles follow the ICD-10-CM tabular list;
a clinic that needs another code asks for it to be added here.
"""

from __future__ import annotations

DEPRESSION: dict[str, str] = {
    "F32.0": "Major depressive disorder, single episode, mild",
    "F32.1": "Major depressive disorder, single episode, moderate",
    "F32.2": "Major depressive disorder, single episode, severe without psychotic features",
    "F32.3": "Major depressive disorder, single episode, severe with psychotic features",
    "F32.4": "Major depressive disorder, single episode, in partial remission",
    "F32.5": "Major depressive disorder, single episode, in full remission",
    "F32.9": "Major depressive disorder, single episode, unspecified",
    "F33.0": "Major depressive disorder, recurrent, mild",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.2": "Major depressive disorder, recurrent severe without psychotic features",
    "F33.3": "Major depressive disorder, recurrent, severe with psychotic symptoms",
    "F33.40": "Major depressive disorder, recurrent, in remission, unspecified",
    "F33.41": "Major depressive disorder, recurrent, in partial remission",
    "F33.42": "Major depressive disorder, recurrent, in full remission",
    "F33.8": "Other recurrent depressive disorders",
    "F33.9": "Major depressive disorder, recurrent, unspecified",
    "F34.1": "Dysthymic disorder",
}

BIPOLAR_DEPRESSION: dict[str, str] = {
    "F31.30": "Bipolar disorder, current episode depressed, mild or moderate severity, unspecified",
    "F31.31": "Bipolar disorder, current episode depressed, mild",
    "F31.32": "Bipolar disorder, current episode depressed, moderate",
    "F31.4": "Bipolar disorder, current episode depressed, severe, without psychotic features",
    "F31.5": "Bipolar disorder, current episode depressed, severe, with psychotic features",
}

ANXIETY_TRAUMA_OCD: dict[str, str] = {
    "F41.1": "Generalized anxiety disorder",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.11": "Post-traumatic stress disorder, acute",
    "F43.12": "Post-traumatic stress disorder, chronic",
    "F42.2": "Mixed obsessional thoughts and acts",
    "F42.8": "Other obsessive-compulsive disorder",
    "F42.9": "Obsessive-compulsive disorder, unspecified",
}

PAIN: dict[str, str] = {
    "G89.21": "Chronic pain due to trauma",
    "G89.28": "Other chronic postprocedural pain",
    "G89.29": "Other chronic pain",
    "G89.3": "Neoplasm related pain (acute) (chronic)",
    "G89.4": "Chronic pain syndrome",
    "G90.50": "Complex regional pain syndrome I, unspecified",
    "G90.511": "Complex regional pain syndrome I of right upper limb",
    "G90.512": "Complex regional pain syndrome I of left upper limb",
    "G90.513": "Complex regional pain syndrome I of upper limb, bilateral",
    "G90.521": "Complex regional pain syndrome I of right lower limb",
    "G90.522": "Complex regional pain syndrome I of left lower limb",
    "G90.523": "Complex regional pain syndrome I of lower limb, bilateral",
    "G90.59": "Complex regional pain syndrome I of other specified site",
    "M79.7": "Fibromyalgia",
    "M79.2": "Neuralgia and neuritis, unspecified",
    "G54.6": "Phantom limb syndrome with pain",
    "B02.29": "Other postherpetic nervous system involvement",
    "G62.9": "Polyneuropathy, unspecified",
}

DIAGNOSES: dict[str, str] = {**DEPRESSION, **BIPOLAR_DEPRESSION, **ANXIETY_TRAUMA_OCD, **PAIN}
"""Every code an intake may record → its title, grouped as above (depression first)."""
