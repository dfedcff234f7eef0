"""The SPRAVATO REMS Patient Monitoring Form (clinical-reference §3.9 [REMS-PMF] [REMS-JNJ]).

``form``: its fields, which are required, and what stops it being signed; ``answers``: what the
treatment's record answers. Both are pure: the service reads the record and stores the form.
"""

from ketacare.core.rems.answers import (
    BloodPressure,
    Checkpoints,
    Event,
    Observation,
    blood_pressures,
    checkpoints,
    concomitant,
    dose_answer,
    duration_min,
    event_answers,
    minutes_after,
    sex_answer,
    split_name,
)
from ketacare.core.rems.form import (
    BY_KEY,
    FIELDS,
    MIN_MONITORING_MIN,
    NO,
    REMS_EVENTS,
    SECTIONS,
    SUBMIT_WITHIN_DAYS,
    YES,
    FormField,
    clean,
    due_on,
    gaps,
    invalid,
    missing,
    overdue,
)

__all__ = [
    "BY_KEY",
    "FIELDS",
    "MIN_MONITORING_MIN",
    "NO",
    "REMS_EVENTS",
    "SECTIONS",
    "SUBMIT_WITHIN_DAYS",
    "YES",
    "BloodPressure",
    "Checkpoints",
    "Event",
    "FormField",
    "Observation",
    "blood_pressures",
    "checkpoints",
    "clean",
    "concomitant",
    "dose_answer",
    "due_on",
    "duration_min",
    "event_answers",
    "gaps",
    "invalid",
    "minutes_after",
    "missing",
    "overdue",
    "sex_answer",
    "split_name",
]
