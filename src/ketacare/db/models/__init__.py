"""Every table, importable from one place (Alembic and queries use ``Base.metadata``)."""

from ketacare.db.models.assessment import (
    ConsentDocument,
    ConsentSignature,
    EligibilityDecision,
    Intake,
)
from ketacare.db.models.audit import AuditChainHead, AuditEvent
from ketacare.db.models.measurement import (
    InstrumentResponse,
    InstrumentSchedule,
    OutcomeCutoff,
    PortalLink,
    SafetyAlert,
)
from ketacare.db.models.org import Location, Organization, Site
from ketacare.db.models.patients import Appointment, BodyMeasurement, Patient
from ketacare.db.models.staff import AccessToken, LoginSession, RoleGrant, RoleMfaPolicy, StaffUser

__all__ = [
    "AccessToken",
    "Appointment",
    "AuditChainHead",
    "AuditEvent",
    "BodyMeasurement",
    "ConsentDocument",
    "ConsentSignature",
    "EligibilityDecision",
    "InstrumentResponse",
    "InstrumentSchedule",
    "Intake",
    "Location",
    "LoginSession",
    "Organization",
    "OutcomeCutoff",
    "Patient",
    "PortalLink",
    "RoleGrant",
    "RoleMfaPolicy",
    "SafetyAlert",
    "Site",
    "StaffUser",
]
