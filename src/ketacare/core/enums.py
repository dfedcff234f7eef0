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
