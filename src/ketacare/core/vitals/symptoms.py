"""Symptom-gated escalation: some symptoms send the treatment to the emergency pathway whatever
the numbers say (clinical-reference §4.2, after [YIP]: a hypertensive emergency is defined by
end-organ symptoms, not by a reading).

The §4.2 data model names chest pain, severe headache and a neurological deficit. The further
hypertensive-crisis symptoms of §3.4 are recalled label wording (UNVERIFIED); they are in the
default set because sending a patient with them to the emergency pathway errs on the safe side.
A clinic may pass its own set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ketacare.core.enums import EmergencySymptom, VitalAlertKind, VitalAlertLevel

S42 = "clinical-reference §4.2 symptom-gated escalation [YIP]"
S34 = "clinical-reference §3.4 hypertensive-crisis symptoms (UNVERIFIED: PI §5.6 wording recalled)"

SYMPTOMS: Mapping[EmergencySymptom, tuple[str, str]] = MappingProxyType(
    {
        EmergencySymptom.CHEST_PAIN: ("Chest pain", S42),
        EmergencySymptom.SEVERE_HEADACHE: ("Sudden severe headache", S42),
        EmergencySymptom.NEURO_DEFICIT: ("Neurological (focal) deficit", S42),
        EmergencySymptom.SHORTNESS_OF_BREATH: ("Shortness of breath", S34),
        EmergencySymptom.VISUAL_DISTURBANCE: ("Visual disturbance", S34),
        EmergencySymptom.SEIZURE: ("Seizure", S34),
        EmergencySymptom.REDUCED_CONSCIOUSNESS: ("Reduced consciousness", S34),
    }
)
DEFAULT_EMERGENCY: frozenset[EmergencySymptom] = frozenset(SYMPTOMS)


@dataclass(frozen=True)
class EmergencyAlert:
    """Raise an emergency alert naming the symptoms reported."""

    symptoms: tuple[EmergencySymptom, ...]
    message: str
    level: VitalAlertLevel = VitalAlertLevel.EMERGENCY
    kind: VitalAlertKind = VitalAlertKind.SYMPTOM


def emergency_pathway(
    reported: Iterable[str], emergency: frozenset[EmergencySymptom] = DEFAULT_EMERGENCY
) -> EmergencyAlert | None:
    """An emergency alert when any reported symptom code is in ``emergency``; None otherwise.
    Codes that are not ours are ignored (the caller validates its form)."""
    given = set(reported)
    found = tuple(
        symptom for symptom in EmergencySymptom if symptom in given and symptom in emergency
    )
    if not found:
        return None
    names = ", ".join(SYMPTOMS[symptom][0].lower() for symptom in found)
    return EmergencyAlert(
        found,
        f"Emergency pathway: {names} reported. Treat or transfer whatever the readings show.",
    )
