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
from ketacare.db.models.rems import RemsEnrolment, RemsForm
from ketacare.db.models.scheduling import (
    SchedulingSettings,
    SiteClosure,
    SiteOpeningHours,
    StaffAbsence,
    StaffRota,
)
from ketacare.db.models.staff import AccessToken, LoginSession, RoleGrant, RoleMfaPolicy, StaffUser
from ketacare.db.models.treatments import (
    Administration,
    AdministrationEvent,
    AdverseEvent,
    DischargeAssessment,
    DoseOrder,
    Intervention,
    Treatment,
    TreatmentCheck,
    TreatmentEvent,
    TreatmentNote,
)
from ketacare.db.models.vitals import (
    AlertThreshold,
    InboundMessage,
    Reading,
    TreatmentSettings,
    VitalAlert,
)

__all__ = [
    "AccessToken",
    "Administration",
    "AdministrationEvent",
    "AdverseEvent",
    "AlertThreshold",
    "Appointment",
    "AuditChainHead",
    "AuditEvent",
    "BodyMeasurement",
    "ConsentDocument",
    "ConsentSignature",
    "Course",
    "DischargeAssessment",
    "DoseOrder",
    "EligibilityDecision",
    "InboundMessage",
    "InstrumentResponse",
    "InstrumentSchedule",
    "Intake",
    "Intervention",
    "Job",
    "Location",
    "LoginSession",
    "Organization",
    "OutcomeCutoff",
    "Patient",
    "PortalLink",
    "ProtocolVersion",
    "Reading",
    "RemsEnrolment",
    "RemsForm",
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
    "Treatment",
    "TreatmentCheck",
    "TreatmentEvent",
    "TreatmentNote",
    "TreatmentSettings",
    "VitalAlert",
]
