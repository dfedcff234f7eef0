"""The SPRAVATO REMS Patient Monitoring Form (clinical-reference §3.9 [REMS-PMF] [REMS-JNJ]): its
fields in the form's order, which ones are required, and what still stops a clinician from
signing it.

The form is completed after every outpatient esketamine treatment and submitted to the REMS within
7 days. Answers are kept as the form holds them, as text: "yes" / "no", ISO dates, whole minutes,
a blood pressure as "128/82". The adverse-event section was cut short in the copy of the form read
(§3.9): its layout here (sedation, dissociation, respiratory depression: experienced? resolved?)
is UNVERIFIED and must be checked against the current form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

FORM = "§3.9 [REMS-PMF] (form version 11/2021)"
MIN_MONITORING_MIN = 120  # §3.9: "Patient must be monitored for at least 2 hours" [REMS-PMF]
SUBMIT_WITHIN_DAYS = 7  # §3.9: submit within 7 days of the treatment [REMS-PMF] [REMS-JNJ]
# Data-entry plausibility limits for a typed blood pressure (the intake uses the same): they catch
# typing mistakes and are not clinical thresholds.
SBP_RANGE_MMHG = (50, 260)
DBP_RANGE_MMHG = (30, 160)
MAX_MINUTES = 24 * 60  # a plausibility limit for typed minutes: one day
YES, NO = "yes", "no"

PATIENT = "Patient"
MEDICATION = "Concomitant medication that may cause sedation or blood pressure changes"
PROVIDER = "Healthcare provider conducting patient monitoring"
SETTING = "Healthcare setting"
TREATMENT = "Treatment (administration and monitoring)"
VITALS = "Vital signs in an acceptable range"
PRESSURE = "Blood pressure"
EVENTS = "Adverse events"
SECTIONS = (PATIENT, MEDICATION, PROVIDER, SETTING, TREATMENT, VITALS, PRESSURE, EVENTS)

TEXT, YES_NO, CHOICE, DAY, MINUTES, MG, BP, EMAIL = (
    "text", "yes_no", "choice", "date", "minutes", "mg", "bp", "email"
)  # fmt: skip


@dataclass(frozen=True)
class FormField:
    """One box of the form. ``needed_when`` makes a box required only after another answer (an
    enrolment question follows "first treatment: yes"; "other" dose asks for the mg)."""

    key: str
    label: str
    section: str
    kind: str = TEXT
    required: bool = True
    needed_when: tuple[str, str] | None = None
    choices: tuple[tuple[str, str], ...] = ()
    source: str = FORM

    def needed(self, values: Mapping[str, str]) -> bool:
        if self.needed_when is None:
            return self.required
        key, answer = self.needed_when
        return values.get(key, "") == answer


def _yes_no(
    key: str,
    label: str,
    section: str,
    *,
    required: bool = True,
    needed_when: tuple[str, str] | None = None,
    source: str = FORM,
) -> FormField:
    return FormField(key, label, section, YES_NO, required, needed_when, source=source)


# Intake medication class -> the form's question [REMS-PMF]; opioids are named by the newer
# guidance only [REMS-JNJ], so that answer is asked but not required.
CONCOMITANT: Mapping[str, str] = {
    "benzodiazepines": "benzodiazepine",
    "non_benzodiazepine_sedative_hypnotics": "non_benzodiazepine_hypnotic",
    "psychostimulants": "psychostimulant",
    "maois": "maoi",
    "opioids": "opioid",
}
# The events the REMS exists for (§3.9 goal [REMS-FDA]); their section layout is UNVERIFIED.
REMS_EVENTS = ("sedation", "dissociation", "respiratory_depression")
_EVENTS_SOURCE = "§3.9 [REMS-PMF]: section truncated in the copy read; layout UNVERIFIED"

FIELDS: tuple[FormField, ...] = (
    FormField("first_name", "First name", PATIENT),
    FormField("middle_initial", "Middle initial", PATIENT, required=False),
    FormField("last_name", "Last name", PATIENT),
    FormField("date_of_birth", "Date of birth", PATIENT, DAY),
    FormField("sex", "Sex", PATIENT, CHOICE,
              choices=(("male", "Male"), ("female", "Female"), ("other", "Other"))),
    _yes_no("first_treatment", "First treatment?", PATIENT, source="§3.9 [REMS-JNJ]"),
    _yes_no("enrolled", "Enrolled in the SPRAVATO REMS?", PATIENT,
            needed_when=("first_treatment", YES), source="§3.9 [REMS-JNJ]"),
    _yes_no("benzodiazepines", "Benzodiazepines", MEDICATION),
    _yes_no("non_benzodiazepine_sedative_hypnotics", "Non-benzodiazepine sedative hypnotics",
            MEDICATION),
    _yes_no("psychostimulants", "Psychostimulants", MEDICATION),
    _yes_no("maois", "Monoamine oxidase inhibitors (MAOIs)", MEDICATION),
    _yes_no("opioids", "Opioids", MEDICATION, required=False,
            source="§3.9: named by newer guidance [REMS-JNJ], not on the 11/2021 form"),
    FormField("provider_first_name", "First name", PROVIDER),
    FormField("provider_last_name", "Last name", PROVIDER),
    FormField("provider_phone", "Telephone", PROVIDER),
    FormField("provider_email", "Email", PROVIDER, EMAIL),
    FormField("setting_name", "Healthcare setting name", SETTING),
    FormField("setting_address_1", "Address line 1", SETTING),
    FormField("setting_address_2", "Address line 2", SETTING, required=False),
    FormField("setting_city", "City", SETTING),
    FormField("setting_state", "State", SETTING),
    FormField("setting_zip", "ZIP", SETTING),
    FormField("treatment_on", "Treatment date", TREATMENT, DAY),
    FormField("dose", "Dose administered", TREATMENT, CHOICE,
              choices=(("56", "56 mg"), ("84", "84 mg"), ("other", "Other"))),
    FormField("dose_other_mg", "Other dose (mg)", TREATMENT, MG, needed_when=("dose", "other")),
    FormField("lot_numbers", "Lot number", TREATMENT),
    FormField("duration_min", "Treatment duration (min, first device to end of monitoring)",
              TREATMENT, MINUTES),
    FormField("ready_after_min", "Without the 2-hour minimum, ready to leave after (min from "
              "start of administration)", TREATMENT, MINUTES),
    _yes_no("vitals_ok_before", "Before administration?", VITALS),
    _yes_no("vitals_ok_at_end", "Before the treatment was completed?", VITALS),
    FormField("bp_before", "Before administration (mmHg)", PRESSURE, BP),
    FormField("bp_40_min", "40 min after administration (mmHg)", PRESSURE, BP,
              source="§3.4 [SPR-HCP], §3.9 [REMS-PMF]"),
    FormField("bp_at_end", "Before the treatment was completed (mmHg)", PRESSURE, BP),
    *(
        field
        for event in REMS_EVENTS
        for field in (
            _yes_no(event, event.replace("_", " ").capitalize(), EVENTS, source=_EVENTS_SOURCE),
            _yes_no(f"{event}_resolved", "Resolved before the patient left?", EVENTS,
                    needed_when=(event, YES), source=_EVENTS_SOURCE),
        )
    ),
    FormField("other_events", "Other adverse events and their resolution", EVENTS,
              required=False, source=_EVENTS_SOURCE),
)  # fmt: skip
BY_KEY: Mapping[str, FormField] = {f.key: f for f in FIELDS}


def clean(values: Mapping[str, str]) -> dict[str, str]:
    """The form's own answers, trimmed; anything that is not one of its boxes is dropped."""
    return {k: str(v).strip() for k, v in values.items() if k in BY_KEY}


def invalid(values: Mapping[str, str]) -> dict[str, str]:
    """A message for each answer given that the form cannot hold (a blank is not invalid)."""
    errors = {}
    for field in FIELDS:
        value = values.get(field.key, "").strip()
        message = _check(field, value) if value else None
        if message:
            errors[field.key] = message
    return errors


_BP = re.compile(r"([0-9]{2,3})\s*/\s*([0-9]{2,3})")
_WHOLE = re.compile(r"[0-9]{1,5}")


def _check(field: FormField, value: str) -> str | None:
    if field.kind in (YES_NO, CHOICE):
        options = (YES, NO) if field.kind == YES_NO else tuple(k for k, _ in field.choices)
        return None if value in options else f"Choose one of: {', '.join(options)}."
    check = _CHECKS.get(field.kind)
    return check(value) if check is not None else None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _positive(value: str) -> bool:
    try:
        return Decimal(value) > 0
    except InvalidOperation:
        return False


def _check_bp(value: str) -> str | None:
    match = _BP.fullmatch(value)
    if match is None:
        return "Enter systolic/diastolic in mmHg, as 128/82."
    sbp, dbp = int(match[1]), int(match[2])
    plausible = SBP_RANGE_MMHG[0] <= sbp <= SBP_RANGE_MMHG[1]
    plausible = plausible and DBP_RANGE_MMHG[0] <= dbp <= DBP_RANGE_MMHG[1] and dbp < sbp
    return None if plausible else "That blood pressure is not plausible; check the numbers."


def _minutes(value: str) -> str | None:
    ok = _WHOLE.fullmatch(value) is not None and int(value) <= MAX_MINUTES
    return None if ok else f"Enter whole minutes from 0 to {MAX_MINUTES}."


_CHECKS: Mapping[str, Callable[[str], str | None]] = {
    DAY: lambda v: None if _date(v) else "Enter a date as YYYY-MM-DD.",
    MINUTES: _minutes,
    MG: lambda v: None if _positive(v) else "Enter the dose in mg, above 0.",
    BP: _check_bp,
    EMAIL: lambda v: None if re.fullmatch(r"[^@\s]+@[^@\s]+", v) else "Enter an email address.",
}


def gaps(values: Mapping[str, str]) -> dict[str, str]:
    """What stops the form being signed, field by field in the form's order: a required answer
    missing, an answer the form cannot hold, or the form's own rules (at least 120 min of
    monitoring; ready no later than the end of monitoring)."""
    found = invalid(values)
    for field in FIELDS:
        if field.key not in found and field.needed(values) and not values.get(field.key, ""):
            found[field.key] = "Not answered."
    found.update(_rules(values, found))
    return {f.key: found[f.key] for f in FIELDS if f.key in found}


def _rules(values: Mapping[str, str], found: Mapping[str, str]) -> dict[str, str]:
    if "duration_min" in found:
        return {}
    duration = int(values["duration_min"])
    errors = {}
    if duration < MIN_MONITORING_MIN:
        errors["duration_min"] = (
            f"{duration} min from the first device to the end of monitoring; the REMS requires "
            f"at least {MIN_MONITORING_MIN} min."
        )
    if "ready_after_min" not in found and int(values["ready_after_min"]) > duration:
        errors["ready_after_min"] = f"Cannot be later than the end of monitoring ({duration} min)."
    return errors


def missing(values: Mapping[str, str]) -> list[str]:
    """``gaps`` in plain words, one line each: "Blood pressure, Before administration (mmHg):
    Not answered."."""
    return [f"{BY_KEY[k].section}, {BY_KEY[k].label}: {m}" for k, m in gaps(values).items()]


def due_on(treatment_on: date) -> date:
    """The last day to submit the form: 7 days after the treatment [REMS-PMF]."""
    return treatment_on + timedelta(days=SUBMIT_WITHIN_DAYS)


def overdue(due: date, today: date) -> bool:
    return today > due
