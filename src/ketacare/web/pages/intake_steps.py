"""The intake wizard's steps as data: which intake fields each step asks, how each is drawn, and
how the posted strings become the partial facts dict the intake service merges into the draft.

Every yes/no question has a third answer, "not known", sent as ``None``: an unknown fact stays
visibly unknown (screening asks for it) instead of being read as "no".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ketacare.core.screening.diagnoses import DIAGNOSES
from ketacare.core.screening.intake_fields import MEDICATION_CLASSES, SUBSTANCES
from ketacare.web.forms import FormInput

Options = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Field:
    """One intake fact on a form: ``kind`` picks the input and the reader."""

    name: str
    label: str
    kind: str  # tri | choice | codes | int | decimal | text | long | date | medications
    options: Options = ()
    hint: str = ""
    attrs: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[Field, ...]


def _opts(*values: str) -> Options:
    return tuple((v, v.replace("_", " ").capitalize()) for v in values)


def _range(low: str, high: str, step: str = "1") -> dict[str, str]:
    return {"min": low, "max": high, "step": step, "inputmode": "decimal"}


HISTORY = _opts("none", "past", "current")
DIAGNOSIS_OPTIONS: Options = tuple(DIAGNOSES.items())
SUBSTANCE_OPTIONS: Options = tuple(SUBSTANCES.items())
MEDICATION_CLASS_OPTIONS = _opts(*MEDICATION_CLASSES)
SUICIDALITY_HINT = "If yes, complete the C-SSRS screener and follow the safety workflow."

# The five data steps in wizard order (the review step is not data). Names are the intake's own
# field paths, so the intake service's field messages land next to the right input.
# fmt: off
STEPS: tuple[Step, ...] = (
    Step("referral", "Referral & diagnoses", (
        Field("referral.referral_reason", "Referral reason", "long"),
        Field("referral.diagnoses", "Diagnoses (ICD-10-CM)", "codes", DIAGNOSIS_OPTIONS),
        Field("referral.failed_antidepressant_trials", "Failed adequate antidepressant trials",
              "int", hint="Adequate trials without response, 0 to 20.", attrs=_range("0", "20")),
        Field("referral.prior_ketamine", "Prior ketamine or esketamine", "choice",
              _opts("none", "ketamine", "esketamine", "both")),
        Field("referral.prior_response", "Response to prior ketamine or esketamine", "long"),
    )),
    Step("psychiatric", "Psychiatric history", (
        Field("psychiatric.psychosis_history", "Psychosis", "choice", HISTORY),
        Field("psychiatric.schizophrenia", "Schizophrenia", "tri"),
        Field("psychiatric.mania_history", "Mania", "choice", HISTORY),
        Field("psychiatric.substance_use_disorder", "Substance use disorder", "choice", HISTORY),
        Field("psychiatric.substances", "Substances involved", "codes", SUBSTANCE_OPTIONS),
        Field("psychiatric.suicide_attempts", "Suicide attempts (lifetime count)", "int",
              attrs=_range("0", "100")),
        Field("psychiatric.current_suicidality", "Current suicidal thoughts or behaviour", "tri",
              hint=SUICIDALITY_HINT),
    )),
    Step("medical", "Medical history", (
        Field("medical.hypertension", "Hypertension", "choice",
              _opts("none", "controlled", "uncontrolled")),
        Field("medical.cardiovascular_disease", "Cardiovascular disease", "choice",
              _opts("none", "stable", "poorly_controlled")),
        Field("medical.aneurysmal_vascular_disease",
              "Aneurysmal vascular disease (brain, aorta or other arteries)", "tri"),
        Field("medical.arteriovenous_malformation", "Arteriovenous malformation", "tri"),
        Field("medical.intracerebral_haemorrhage_history",
              "History of intracerebral haemorrhage", "tri"),
        Field("medical.raised_intracranial_pressure", "Raised intracranial pressure", "tri"),
        Field("medical.raised_intraocular_pressure",
              "Raised intraocular pressure (e.g. glaucoma)", "tri"),
        Field("medical.liver_disease", "Liver disease", "choice",
              _opts("none", "moderate", "severe")),
        Field("medical.seizures", "Seizures", "tri"),
        Field("medical.pregnant", "Pregnant", "tri"),
        Field("medical.breastfeeding", "Breastfeeding", "tri"),
        Field("medical.hypersensitivity_ketamine_or_esketamine",
              "Hypersensitivity to ketamine or esketamine", "tri"),
        Field("medical.other_conditions", "Other conditions", "long"),
    )),
    Step("medications", "Medications", (
        Field("medications", "Current medications", "medications", MEDICATION_CLASS_OPTIONS),
        Field("medications_free_text", "Other medications and notes", "long"),
    )),
    Step("vitals", "Vitals & measurements", (
        Field("vitals.measured_on", "Date measured", "date", hint="Not in the future."),
        Field("vitals.systolic_mmHg", "Systolic blood pressure (mmHg)", "int",
              attrs=_range("50", "260")),
        Field("vitals.diastolic_mmHg", "Diastolic blood pressure (mmHg)", "int",
              attrs=_range("30", "160")),
        Field("vitals.heart_rate_bpm", "Heart rate (beats/min)", "int", attrs=_range("20", "250")),
        Field("vitals.spo2_percent", "SpO₂ (%)", "int", attrs=_range("50", "100")),
        Field("vitals.weight_kg", "Weight (kg)", "decimal", attrs=_range("1", "400", "0.1")),
        Field("vitals.height_cm", "Height (cm)", "decimal", attrs=_range("30", "260", "0.1")),
        Field("vitals.pregnancy_test", "Pregnancy test", "choice",
              _opts("not_applicable", "negative", "positive", "not_done")),
    )),
)
# fmt: on


MEDICATION_PARTS = ("name", "class", "daily_dose_mg", "diazepam_equivalent_mg_per_day")


def _tri_value(form: FormInput, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(form.text(name))


def _int_value(form: FormInput, name: str) -> int | None:
    raw = form.text(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        form.errors.setdefault(name, "Enter a whole number.")
        return None


def _decimal_value(form: FormInput, name: str) -> str | None:
    value = form.decimal(name, 3)
    return format(value, "f") if value is not None else None


def _codes(form: FormInput, name: str) -> list[str] | None:
    return [c for c in form.all(name) if c] or None


def _text(form: FormInput, name: str) -> str | None:
    return form.text(name) or None


def medication_key(index: int, part: str) -> str:
    """The form name of one medication part, the same path the intake's field messages use."""
    return f"medications[{index}].{part}"


def _medications(form: FormInput, name: str) -> list[dict[str, Any]] | None:
    """The typed rows; a row with neither a name nor a class is an unused blank row. No rows is
    "none" only when "No current medications" is ticked, otherwise "not known"."""
    rows: list[dict[str, Any]] = []
    for index in range(medication_row_count(form.raw)):
        named, chosen = (form.text(medication_key(index, p)) for p in MEDICATION_PARTS[:2])
        if not (named or chosen):
            continue
        row: dict[str, Any] = {"name": named or None, "class": chosen or None}
        for part in MEDICATION_PARTS[2:]:
            row[part] = _decimal_value(form, medication_key(index, part))
        rows.append(row)
    return rows if rows or form.text("medications_none") == "yes" else None


MAX_MEDICATION_ROWS = 60
_MEDICATION_INDEX = re.compile(r"^medications\[(\d{1,2})\]\.")


def medication_row_count(raw: Mapping[str, str]) -> int:
    """Rows posted (at most ``MAX_MEDICATION_ROWS``, so a forged index cannot loop for long)."""
    indexes = [int(m[1]) for k in raw if (m := _MEDICATION_INDEX.match(k))]
    return min(max(indexes) + 1, MAX_MEDICATION_ROWS) if indexes else 0


READERS: dict[str, Callable[[FormInput, str], Any]] = {
    "tri": _tri_value,
    "int": _int_value,
    "decimal": _decimal_value,
    "codes": _codes,
    "medications": _medications,
    "date": _text,
    "choice": _text,
    "text": _text,
    "long": _text,
}


def read_step(step: Step, form: FormInput) -> dict[str, Any]:
    """The step's part of the intake data, nested by group; ``None`` marks a fact not known."""
    found: dict[str, Any] = {}
    for f in step.fields:
        value = READERS[f.kind](form, f.name)
        group, _, name = f.name.rpartition(".")
        if group:
            found.setdefault(group, {})[name] = value
        else:
            found[name] = value
    return found


def _flatten(
    group: str, values: Mapping[str, Any], raw: dict[str, str], many: dict[str, list[str]]
) -> None:
    for name, value in values.items():
        key = f"{group}.{name}"
        if isinstance(value, list | tuple):
            many[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            raw[key] = "yes" if value else "no"
        elif value is not None:
            raw[key] = format(value, "f") if isinstance(value, Decimal) else str(value)


def form_from_facts(data: Mapping[str, Any]) -> FormInput:
    """The form strings that redraw stored intake data (``IntakeFacts.to_dict()`` shape)."""
    raw: dict[str, str] = {}
    many: dict[str, list[str]] = {}
    for name, value in data.items():
        if isinstance(value, Mapping):
            _flatten(name, value, raw, many)
        elif name == "medications":
            raw["medications_none"] = "yes" if value == [] else ""
            for index, row in enumerate(value or []):
                for part in MEDICATION_PARTS:
                    shown = row.get(part)
                    raw[medication_key(index, part)] = "" if shown is None else str(shown)
        elif value is not None:
            raw[name] = str(value)
    return FormInput(raw, many)
