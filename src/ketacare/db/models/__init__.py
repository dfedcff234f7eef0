"""Every table, importable from one place (Alembic and queries use ``Base.metadata``)."""

from ketacare.db.models.audit import AuditChainHead, AuditEvent
from ketacare.db.models.org import Location, Organization, Site
from ketacare.db.models.patients import Appointment, BodyMeasurement, Patient
from ketacare.db.models.staff import AccessToken, LoginSession, RoleGrant, RoleMfaPolicy, StaffUser

__all__ = [
    "AccessToken",
    "Appointment",
    "AuditChainHead",
    "AuditEvent",
    "BodyMeasurement",
    "Location",
    "LoginSession",
    "Organization",
    "Patient",
    "RoleGrant",
    "RoleMfaPolicy",
    "Site",
    "StaffUser",
]
