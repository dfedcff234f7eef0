"""The intake facts screening reads, grouped as the intake wizard asks for them.

Every fact may be None, meaning "not known yet"; a rule that needs an unknown fact asks for it.
Lists distinguish "unknown" (None) from "none" (empty). ``from_dict`` is the only way in from
outside data and refuses anything the intake schema does not allow, listing every problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ketacare.core.screening.fields import (
    Errors,
    Json,
    parse_group,
    parse_value,
    refuse_unknown_keys,
)
from ketacare.core.screening.intake_fields import (
    GROUPS,
    MEDICATION,
    MEDICATION_REQUIRED,
    MEDICATIONS_FREE_TEXT,
    TOP_LEVEL,
)
from ketacare.core.screening.model import InvalidIntake


@dataclass(frozen=True)
class Referral:
    referral_reason: str | None = None
    diagnoses: tuple[str, ...] | None = None
    failed_antidepressant_trials: int | None = None
    prior_ketamine: str | None = None
    prior_response: str | None = None


@dataclass(frozen=True)
class Psychiatric:
    psychosis_history: str | None = None
    schizophrenia: bool | None = None
    mania_history: str | None = None
    substance_use_disorder: str | None = None
    substances: tuple[str, ...] | None = None
    suicide_attempts: int | None = None
    current_suicidality: bool | None = None
    cssrs_response_id: int | None = None


@dataclass(frozen=True)
class Medical:
    hypertension: str | None = None
    cardiovascular_disease: str | None = None
    aneurysmal_vascular_disease: bool | None = None
    arteriovenous_malformation: bool | None = None
    intracerebral_haemorrhage_history: bool | None = None
    raised_intracranial_pressure: bool | None = None
    raised_intraocular_pressure: bool | None = None
    liver_disease: str | None = None
    seizures: bool | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    hypersensitivity_ketamine_or_esketamine: bool | None = None
    other_conditions: str | None = None


@dataclass(frozen=True)
class Medication:
    """One current medication. ``drug_class`` is stored under the key "class"."""

    name: str
    drug_class: str
    daily_dose_mg: Decimal | None = None
    diazepam_equivalent_mg_per_day: Decimal | None = None  # typed by the clinician


@dataclass(frozen=True)
class Vitals:
    systolic_mmHg: int | None = None
    diastolic_mmHg: int | None = None
    heart_rate_bpm: int | None = None
    spo2_percent: int | None = None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    pregnancy_test: str | None = None
    measured_on: date | None = None

    @property
    def bmi_kg_per_m2(self) -> Decimal | None:
        """Body-mass index from weight and height, to one decimal place (half up)."""
        if self.weight_kg is None or self.height_cm is None:
            return None
        metres = self.height_cm / 100
        return (self.weight_kg / (metres * metres)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class IntakeFacts:
    """Everything screening may read about one patient; ``IntakeFacts()`` knows nothing yet."""

    referral: Referral = field(default_factory=Referral)
    psychiatric: Psychiatric = field(default_factory=Psychiatric)
    medical: Medical = field(default_factory=Medical)
    medications: tuple[Medication, ...] | None = None
    medications_free_text: str | None = None
    vitals: Vitals = field(default_factory=Vitals)

    @classmethod
    def from_dict(cls, data: object, *, today: date | None = None) -> IntakeFacts:
        """Facts from intake data (see INTAKE_SCHEMA); InvalidIntake lists every problem.

        ``today`` enables the "not in the future" check on dates (core has no clock).
        """
        if not isinstance(data, Mapping):
            raise InvalidIntake([("intake", "must be an object")])
        errors: Errors = []
        refuse_unknown_keys(data, TOP_LEVEL, "", errors)
        groups = {
            name: parse_group(kinds, data.get(name), name, today, errors)
            for name, kinds in GROUPS.items()
        }
        medications = _medications(data.get("medications"), today, errors)
        free_text = parse_value(
            MEDICATIONS_FREE_TEXT,
            data.get("medications_free_text"),
            "medications_free_text",
            today,
            errors,
        )
        errors.extend(_conflicts(groups))
        if errors:
            raise InvalidIntake(errors)
        return cls(
            referral=Referral(**groups["referral"]),
            psychiatric=Psychiatric(**groups["psychiatric"]),
            medical=Medical(**groups["medical"]),
            medications=medications,
            medications_free_text=free_text if isinstance(free_text, str) else None,
            vitals=Vitals(**groups["vitals"]),
        )

    def to_dict(self) -> dict[str, Json]:
        """JSON-safe data that ``from_dict`` turns back into equal facts (decimals as strings)."""
        out: dict[str, Json] = {
            name: _dump_group(kinds, getattr(self, name)) for name, kinds in GROUPS.items()
        }
        out["medications"] = (
            None if self.medications is None else [_dump_medication(m) for m in self.medications]
        )
        out["medications_free_text"] = self.medications_free_text
        return {name: out[name] for name in TOP_LEVEL}

    def value_at(self, path: str) -> Json:
        """The JSON-safe value of one fact by dotted path: "medical.pregnant", "medications"."""
        value: Json = self.to_dict()
        for part in path.split("."):
            if not isinstance(value, dict) or part not in value:
                raise KeyError(path)
            value = value[part]
        return value

    def unknown_fields(self) -> tuple[str, ...]:
        """Dotted paths of every fact not known yet, in schema order."""
        data = self.to_dict()
        unknown: list[str] = []
        for name in TOP_LEVEL:
            value = data[name]
            if isinstance(value, dict):
                unknown.extend(f"{name}.{key}" for key, item in value.items() if item is None)
            elif value is None:
                unknown.append(name)
        return tuple(unknown)


def _dump_group(kinds: Mapping[str, Any], group: object) -> dict[str, Json]:
    return {name: kind.dump(getattr(group, name)) for name, kind in kinds.items()}


def _dump_medication(medication: Medication) -> dict[str, Json]:
    values = {
        "name": medication.name,
        "class": medication.drug_class,
        "daily_dose_mg": medication.daily_dose_mg,
        "diazepam_equivalent_mg_per_day": medication.diazepam_equivalent_mg_per_day,
    }
    return {name: kind.dump(values[name]) for name, kind in MEDICATION.items()}


def _medications(data: object, today: date | None, errors: Errors) -> tuple[Medication, ...] | None:
    """The medication list; None when unknown, () when the patient takes none."""
    if data is None:
        return None
    if not isinstance(data, list | tuple):
        errors.append(("medications", "must be a list"))
        return None
    parsed = [_medication(item, f"medications[{i}]", today, errors) for i, item in enumerate(data)]
    return tuple(m for m in parsed if m is not None)


def _medication(data: object, path: str, today: date | None, errors: Errors) -> Medication | None:
    before = len(errors)
    values = parse_group(MEDICATION, data, path, today, errors)
    if isinstance(data, Mapping):
        for name in MEDICATION_REQUIRED:
            if data.get(name) is None:
                errors.append((f"{path}.{name}", "is required"))
    if values["class"] != "benzodiazepine" and values["diazepam_equivalent_mg_per_day"]:
        errors.append((f"{path}.diazepam_equivalent_mg_per_day", "applies to benzodiazepines only"))
    if len(errors) > before:
        return None
    return Medication(
        name=values["name"],
        drug_class=values["class"],
        daily_dose_mg=values["daily_dose_mg"],
        diazepam_equivalent_mg_per_day=values["diazepam_equivalent_mg_per_day"],
    )


def _conflicts(groups: Mapping[str, Mapping[str, Any]]) -> Errors:
    """Values that are each allowed but cannot all be true at once."""
    errors: Errors = []
    vitals, medical, psychiatric = groups["vitals"], groups["medical"], groups["psychiatric"]
    systolic, diastolic = vitals["systolic_mmHg"], vitals["diastolic_mmHg"]
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        errors.append(
            ("vitals.diastolic_mmHg", f"{diastolic} must be below the systolic pressure {systolic}")
        )
    if vitals["pregnancy_test"] == "positive" and medical["pregnant"] is False:
        errors.append(("medical.pregnant", "conflicts with a positive pregnancy test"))
    if psychiatric["substance_use_disorder"] == "none" and psychiatric["substances"]:
        errors.append(
            ("psychiatric.substances", "leave empty when there is no substance use disorder")
        )
    return errors
