"""The vital codes ketacare speaks, with the LOINC code and UCUM unit each is exported under.

Every other vocabulary (IEEE 11073 MDC codes from monitors, LOINC codes in HL7 or FHIR input) is
mapped onto ``Vital`` at the edge; nothing past the edge sees another code. Codes and units per
clinical-reference §9.2 [FHIR-VSET]; exceptions say their source next to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from ketacare.core.enums import Vital

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"  # §9.1 [FHIR-VS]: R4 valueQuantity system


@dataclass(frozen=True)
class VitalCode:
    """One vital: how staff read it (``name``, ``unit``), how FHIR carries it (``loinc``,
    ``loinc_display``, ``ucum``), other LOINC codes accepted on input, and the physical ceiling
    above which a value cannot be real (``most``; None when there is none to state)."""

    vital: Vital
    name: str
    short: str
    unit: str
    loinc: str
    loinc_display: str
    ucum: str
    source: str
    loinc_also: tuple[str, ...] = ()
    most: Decimal | None = None


def _mmhg(vital: Vital, name: str, short: str, loinc: str, source: str) -> VitalCode:
    return VitalCode(vital, name, short, "mmHg", loinc, name, "mm[Hg]", source)


VITALS: Mapping[Vital, VitalCode] = MappingProxyType(
    {
        Vital.SBP_MMHG: _mmhg(
            Vital.SBP_MMHG, "Systolic blood pressure", "SBP", "8480-6", "§9.2 [FHIR-VSET]"
        ),
        Vital.DBP_MMHG: _mmhg(
            Vital.DBP_MMHG, "Diastolic blood pressure", "DBP", "8462-4", "§9.2 [FHIR-VSET]"
        ),
        # Not in §9.2: LOINC 8478-0 "Mean blood pressure" with mm[Hg] as in the FHIR R4 example
        # Observation "mbp" (hl7.org/fhir observation-example-mbp).
        Vital.MAP_MMHG: VitalCode(
            Vital.MAP_MMHG,
            "Mean arterial pressure",
            "MAP",
            "mmHg",
            "8478-0",
            "Mean blood pressure",
            "mm[Hg]",
            "FHIR R4 example observation-example-mbp (not in §9.2)",
        ),
        Vital.HR_BPM: VitalCode(
            Vital.HR_BPM,
            "Heart rate",
            "HR",
            "bpm",
            "8867-4",
            "Heart rate",
            "/min",
            "§9.2 [FHIR-VSET]",
        ),
        # A pulse rate is a heart rate by another method: exported under the heart-rate code
        # (FHIR implementers' advice; §9.2 lists no separate pulse code). Monitors send it as
        # MDC 149530, mapped at the edge.
        Vital.PULSE_BPM: VitalCode(
            Vital.PULSE_BPM,
            "Pulse rate",
            "Pulse",
            "bpm",
            "8867-4",
            "Heart rate",
            "/min",
            "§9.2 [FHIR-VSET] (heart-rate code)",
        ),
        Vital.SPO2_PERCENT: VitalCode(
            Vital.SPO2_PERCENT,
            "Oxygen saturation (SpO2)",
            "SpO2",
            "%",
            "2708-6",
            "Oxygen saturation in Arterial blood",
            "%",
            "§9.2 [FHIR-VSET]; 59408-5 (by pulse oximetry) accepted too (UNVERIFIED, §9.2)",
            loinc_also=("59408-5",),
            most=Decimal(100),  # a saturation is a share of haemoglobin: never above 100 %
        ),
        Vital.RR_PER_MIN: VitalCode(
            Vital.RR_PER_MIN,
            "Respiratory rate",
            "RR",
            "/min",
            "9279-1",
            "Respiratory rate",
            "/min",
            "§9.2 [FHIR-VSET]",
        ),
        Vital.TEMP_C: VitalCode(
            Vital.TEMP_C,
            "Body temperature",
            "Temp",
            "°C",
            "8310-5",
            "Body temperature",
            "Cel",
            "§9.2 [FHIR-VSET]",
        ),
    }
)


def _by_loinc() -> Mapping[str, Vital]:
    """LOINC code -> vital; a code shared by two vitals (8867-4) means the first, heart rate."""
    found: dict[str, Vital] = {}
    for code in VITALS.values():
        for loinc in (code.loinc, *code.loinc_also):
            found.setdefault(loinc, code.vital)
    return MappingProxyType(found)


BY_LOINC = _by_loinc()


def vital_for_loinc(loinc: str) -> Vital | None:
    """Our vital for a LOINC code received from outside, or None when we do not know it."""
    return BY_LOINC.get(loinc.strip())


def describe(vital: str) -> VitalCode | None:
    """The code table entry for a vital code string, None for a code that is not ours."""
    try:
        return VITALS[Vital(vital)]
    except ValueError:
        return None
