"""Symptom-gated escalation: listed symptoms go to the emergency pathway whatever the numbers
(§4.2 after [YIP]; §3.4 UNVERIFIED additions)."""

from __future__ import annotations

import pytest

from ketacare.core.enums import EmergencySymptom, VitalAlertKind, VitalAlertLevel
from ketacare.core.vitals.symptoms import SYMPTOMS, emergency_pathway

E = EmergencySymptom


def test_every_symptom_has_words_and_a_source_and_the_unverified_ones_say_so():
    assert set(SYMPTOMS) == set(EmergencySymptom)
    verified = {s for s, (_, source) in SYMPTOMS.items() if "UNVERIFIED" not in source}
    assert verified == {E.CHEST_PAIN, E.SEVERE_HEADACHE, E.NEURO_DEFICIT}


@pytest.mark.parametrize(
    ("reported", "found"),
    [
        ([], None),
        (["nausea", "dizziness"], None),
        (["chest_pain"], (E.CHEST_PAIN,)),
        (["seizure", "nausea", "severe_headache"], (E.SEVERE_HEADACHE, E.SEIZURE)),
    ],
)
def test_an_emergency_symptom_raises_an_emergency_alert(reported, found):
    alert = emergency_pathway(reported)
    assert (None if alert is None else alert.symptoms) == found


def test_the_alert_names_the_symptoms_and_its_level_and_kind():
    alert = emergency_pathway(["neuro_deficit", "chest_pain"])
    assert alert is not None
    assert alert.message.startswith("Emergency pathway: chest pain, neurological (focal) deficit")
    assert (alert.level, alert.kind) == (VitalAlertLevel.EMERGENCY, VitalAlertKind.SYMPTOM)


def test_a_clinic_may_narrow_the_set():
    assert emergency_pathway(["seizure"], frozenset({E.CHEST_PAIN})) is None
