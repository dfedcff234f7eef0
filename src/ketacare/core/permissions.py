"""Who may do what: one map from role to actions, deny by default.

Every route declares one ``Action`` (or that it is public); ``web/deps.py`` enforces it through
``allowed``. Staff act only at sites where they hold a grant, and for a patient only with a role at
the patient's site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ketacare.core.enums import Role


class Action(StrEnum):
    """Something a signed-in staff user asks to do."""

    VIEW_TODAY = "today.view"
    SEARCH_PATIENTS = "patient.search"
    READ_PATIENT = "patient.read"
    WRITE_PATIENT = "patient.write"
    READ_APPOINTMENTS = "appointment.read"
    WRITE_APPOINTMENTS = "appointment.write"
    MANAGE_STAFF = "staff.manage"
    READ_STAFF = "staff.read"
    READ_AUDIT = "audit.read"
    MANAGE_OWN_ACCOUNT = "account.manage"
    RECORD_INSTRUMENTS = "instrument.record"
    SEND_PORTAL_LINK = "portal.send"
    ACKNOWLEDGE_SAFETY_ALERT = "safety_alert.acknowledge"
    READ_OUTCOMES = "outcome.read"
    MANAGE_OUTCOME_SETTINGS = "outcome_settings.manage"
    RECORD_INTAKE = "intake.write"
    SIGN_ELIGIBILITY = "eligibility.sign"
    WITNESS_CONSENT = "consent.witness"
    MANAGE_CONSENT_DOCUMENTS = "consent_documents.manage"
    READ_PROTOCOLS = "protocol.read"
    MANAGE_PROTOCOLS = "protocol.manage"
    ORDER_COURSE = "course.order"
    MANAGE_SCHEDULING = "scheduling.manage"
    READ_TREATMENTS = "treatment.read"
    CHECK_IN = "treatment.check_in"
    RUN_TREATMENT = "treatment.run"
    ORDER_DOSE = "dose.order"
    MANAGE_MONITORS = "monitors.manage"
    MANAGE_TREATMENT_SETTINGS = "treatment_settings.manage"


_CLINICAL = frozenset(
    {
        Action.VIEW_TODAY,
        Action.SEARCH_PATIENTS,
        Action.READ_PATIENT,
        Action.WRITE_PATIENT,
        Action.READ_APPOINTMENTS,
        Action.WRITE_APPOINTMENTS,
        Action.READ_STAFF,
        Action.MANAGE_OWN_ACCOUNT,
        Action.SEND_PORTAL_LINK,
        Action.READ_TREATMENTS,
        Action.CHECK_IN,
    }
)
# Scores and ratings are clinical findings: front desk may send a questionnaire link but neither
# reads nor enters scores. Acknowledging a safety alert needs a clinician who can act on suicide
# risk (issue 3: "a prescriber or therapist").
_MEASUREMENT = frozenset({Action.READ_OUTCOMES, Action.RECORD_INSTRUMENTS})
_SAFETY = frozenset({Action.ACKNOWLEDGE_SAFETY_ALERT})
# Assessment (issue 4): nurses and prescribers take the intake and witness consent (therapists
# read it through READ_PATIENT). Only a licensed prescriber signs an eligibility decision, and a
# consent is witnessed by a clinician (prescriber or nurse), so the admin role is denied those two
# actions; prescribers and admins keep the consent texts.
_INTAKE = frozenset({Action.RECORD_INTAKE, Action.WITNESS_CONSENT})
_PRESCRIBING = frozenset({Action.SIGN_ELIGIBILITY, Action.MANAGE_CONSENT_DOCUMENTS})
# Courses (issue 5): a course is a prescriber's order, and a protocol's doses and bounds are a
# prescriber's to change, so admins read protocols but neither order nor edit them. Anyone who
# books appointments may move or cancel a course's treatments (WRITE_APPOINTMENTS); only admins
# set opening hours, the staff rota and the scheduling settings. The admin role is denied what
# only a licensed clinician does.
_CLINICIANS_ONLY = frozenset(
    {
        Action.SIGN_ELIGIBILITY,
        Action.WITNESS_CONSENT,
        Action.ORDER_COURSE,
        Action.MANAGE_PROTOCOLS,
        Action.RUN_TREATMENT,
        Action.ORDER_DOSE,
    }
)
# Treatment day (issue 6): the desk checks patients in; nurses and prescribers run the treatment
# (checks, vitals, administration, alerts, discharge); only a prescriber orders the dose. Admins
# name the chairs' monitors and set the treatment-day settings.
_TREATMENT = frozenset({Action.RUN_TREATMENT})
_PROTOCOL_READERS = frozenset({Action.READ_PROTOCOLS})
_COURSES = (
    frozenset({Action.ORDER_COURSE, Action.MANAGE_PROTOCOLS, Action.ORDER_DOSE}) | _PROTOCOL_READERS
)

# Researchers work on de-identified reports only (later issues); they never open a chart.
ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action) - _CLINICIANS_ONLY,
    Role.PRESCRIBER: _CLINICAL
    | _MEASUREMENT
    | _SAFETY
    | _INTAKE
    | _PRESCRIBING
    | _COURSES
    | _TREATMENT,
    Role.NURSE: _CLINICAL | _MEASUREMENT | _INTAKE | _PROTOCOL_READERS | _TREATMENT,
    Role.THERAPIST: (_CLINICAL | _MEASUREMENT | _SAFETY | _PROTOCOL_READERS)
    - {Action.WRITE_PATIENT, Action.WRITE_APPOINTMENTS, Action.CHECK_IN},
    Role.FRONT_DESK: _CLINICAL,
    Role.RESEARCHER: frozenset({Action.MANAGE_OWN_ACCOUNT}),
}


@dataclass(frozen=True)
class Principal:
    """A signed-in staff user and their roles, site by site."""

    staff_user_id: int
    organization_id: int
    email: str
    full_name: str
    grants: Mapping[int, frozenset[Role]] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[Role]:
        """Every role held at any site."""
        return frozenset(r for roles in self.grants.values() for r in roles)

    @property
    def site_ids(self) -> frozenset[int]:
        return frozenset(self.grants)

    def sites_allowing(self, action: Action) -> frozenset[int]:
        """The sites where some role of this user grants ``action``."""
        return frozenset(s for s, roles in self.grants.items() if _any_allows(roles, action))


def _any_allows(roles: frozenset[Role], action: Action) -> bool:
    return any(action in ROLE_ACTIONS[r] for r in roles)


def allowed(principal: Principal, action: Action, site_id: int | None = None) -> bool:
    """True when ``principal`` may do ``action``: at ``site_id`` when given, else at any site."""
    if site_id is None:
        return bool(principal.sites_allowing(action))
    return _any_allows(principal.grants.get(site_id, frozenset()), action)
