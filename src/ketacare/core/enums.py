"""States and kinds, in the clinic's own words."""

from enum import StrEnum


class Role(StrEnum):
    """A staff user's job at a site; grants are per site."""

    ADMIN = "admin"
    PRESCRIBER = "prescriber"
    NURSE = "nurse"
    THERAPIST = "therapist"
    FRONT_DESK = "front_desk"
    RESEARCHER = "researcher"


class SexAtBirth(StrEnum):
    FEMALE = "female"
    MALE = "male"
    INTERSEX = "intersex"
    UNKNOWN = "unknown"


class LocationKind(StrEnum):
    ROOM = "room"
    CHAIR = "chair"


class AppointmentKind(StrEnum):
    CONSULTATION = "consultation"
    ASSESSMENT = "assessment"
    TREATMENT = "treatment"
    INTEGRATION = "integration"
    FOLLOW_UP = "follow_up"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class AuditAction(StrEnum):
    """What happened to a record; ``view`` is a read of patient data."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    VIEW = "view"
    SEARCH = "search"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"


class TimePoint(StrEnum):
    """When in the course of care an instrument was completed."""

    BASELINE = "baseline"
    PRE_DOSE = "pre_dose"
    DURING_40_MIN = "during_40_min"
    END_OF_TREATMENT = "end_of_treatment"
    FOLLOW_UP = "follow_up"
    SCHEDULED = "scheduled"


class ResponseSource(StrEnum):
    """Who entered a response: the patient through the portal, or a clinician on the chart."""

    PORTAL = "portal"
    CLINICIAN = "clinician"


class AlertLevel(StrEnum):
    """How urgent a safety alert is: C-SSRS triage high/moderate, or any other ideation flag."""

    HIGH = "high"
    MODERATE = "moderate"
    IDEATION = "ideation"


class ScheduleRule(StrEnum):
    """How a per-patient instrument schedule decides a questionnaire is due."""

    BEFORE_EVERY_TREATMENT = "before_every_treatment"
    EVERY_N_DAYS = "every_n_days"


class IntakeStatus(StrEnum):
    """A draft is saved step by step; a complete intake is never changed again."""

    DRAFT = "draft"
    COMPLETE = "complete"


class Eligibility(StrEnum):
    """The prescriber's eligibility decision for one protocol."""

    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_PRECAUTIONS = "eligible_with_precautions"
    NOT_ELIGIBLE = "not_eligible"


class KeyRisk(StrEnum):
    """The risks a consent names, each ticked by the patient (issue 4; clinical-reference §3.7,
    §11 item 6)."""

    DISSOCIATION = "dissociation"
    BLOOD_PRESSURE_RISE = "blood_pressure_rise"
    SEDATION = "sedation"
    NO_DRIVING_UNTIL_NEXT_DAY = "no_driving_until_next_day"
    ABUSE_POTENTIAL = "abuse_potential"


class CourseStatus(StrEnum):
    """Where a course stands: running, finished as ordered, or stopped early by the prescriber."""

    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


class CoursePhase(StrEnum):
    """The phases of a course (clinical-reference §1.2, §3.2)."""

    INDUCTION = "induction"
    MAINTENANCE = "maintenance"


class MaintenanceDecision(StrEnum):
    """The prescriber's end-of-induction review: continue into maintenance, or end the course."""

    CONTINUE = "continue"
    STOP = "stop"


class JobStatus(StrEnum):
    """A background job's life: waiting, claimed by a worker, finished, given up, or withdrawn."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TreatmentState(StrEnum):
    """Where one dosing visit stands (issue 6). ``discharged`` and ``aborted`` are final."""

    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    CLEARED = "cleared"
    DOSING = "dosing"
    OBSERVATION = "observation"
    READY_FOR_DISCHARGE = "ready_for_discharge"
    DISCHARGED = "discharged"
    ABORTED = "aborted"


class CheckStatus(StrEnum):
    """A treatment check as recorded: confirmed, or waived by a clinician with a note."""

    CONFIRMED = "confirmed"
    WAIVED = "waived"


class Vital(StrEnum):
    """The one vocabulary of vital-sign codes; monitors' MDC and LOINC codes map onto these."""

    SBP_MMHG = "sbp_mmhg"
    DBP_MMHG = "dbp_mmhg"
    MAP_MMHG = "map_mmhg"
    HR_BPM = "hr_bpm"
    PULSE_BPM = "pulse_bpm"
    SPO2_PERCENT = "spo2_percent"
    RR_PER_MIN = "rr_per_min"
    TEMP_C = "temp_c"


class ThresholdLevel(StrEnum):
    """A clinic's limit for a vital: pre-dose ``hold``, then ``warn`` and ``act`` during the visit
    (clinical-reference §4.2)."""

    HOLD = "hold"
    WARN = "warn"
    ACT = "act"


class VitalAlertKind(StrEnum):
    """What raised a treatment alert: a threshold, a silent monitor, or a reported symptom."""

    THRESHOLD = "threshold"
    SILENT = "silent"
    SYMPTOM = "symptom"


class VitalAlertLevel(StrEnum):
    """How urgent a treatment alert is, in rising order: warn, act, emergency (§4.2)."""

    WARN = "warn"
    ACT = "act"
    EMERGENCY = "emergency"


class EmergencySymptom(StrEnum):
    """Symptoms that send a treatment to the emergency pathway whatever the numbers (§4.2, §3.4)."""

    CHEST_PAIN = "chest_pain"
    SEVERE_HEADACHE = "severe_headache"
    NEURO_DEFICIT = "neuro_deficit"
    SHORTNESS_OF_BREATH = "shortness_of_breath"
    VISUAL_DISTURBANCE = "visual_disturbance"
    SEIZURE = "seizure"
    REDUCED_CONSCIOUSNESS = "reduced_consciousness"


class RemsFormStatus(StrEnum):
    """A SPRAVATO REMS Patient Monitoring Form: being filled, signed by the monitoring clinician,
    then submitted to the REMS within 7 days (clinical-reference §3.9 [REMS-PMF])."""

    DRAFT = "draft"
    SIGNED = "signed"
    SUBMITTED = "submitted"
