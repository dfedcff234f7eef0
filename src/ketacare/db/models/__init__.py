"""Every table, importable from one place (Alembic and queries use ``Base.metadata``)."""

from ketacare.db.models.assessment import (
    ConsentDocument,
    ConsentSignature,
    EligibilityDecision,
    Intake,
)
from ketacare.db.models.audit import AuditChainHead, AuditEvent
from ketacare.db.models.courses import Course, ProtocolVersion
from ketacare.db.models.jobs import Job
from ketacare.db.models.measurement import (
    InstrumentResponse,
    InstrumentSchedule,
    OutcomeCutoff,
    PortalLink,
    SafetyAlert,
)
from ketacare.db.models.org import Location, Organization, Site
from ketacare.db.models.patients import Appointment, BodyMeasurement, Patient
from ketacare.db.models.scheduling import (
    SchedulingSettings,
    SiteClosure,
    SiteOpeningHours,
    StaffAbsence,
    StaffRota,
)
from ketacare.db.models.staff import AccessToken, LoginSession, RoleGrant, RoleMfaPolicy, StaffUser

__all__ = [
    "AccessToken",
    "Appointment",
    "AuditChainHead",
    "AuditEvent",
    "BodyMeasurement",
    "ConsentDocument",
    "ConsentSignature",
    "Course",
    "EligibilityDecision",
    "InstrumentResponse",
    "InstrumentSchedule",
    "Intake",
    "Job",
    "Location",
    "LoginSession",
    "Organization",
    "OutcomeCutoff",
    "Patient",
    "PortalLink",
    "ProtocolVersion",
    "RoleGrant",
    "RoleMfaPolicy",
    "SafetyAlert",
    "SchedulingSettings",
    "Site",
    "SiteClosure",
    "SiteOpeningHours",
    "StaffAbsence",
    "StaffRota",
    "StaffUser",
]
