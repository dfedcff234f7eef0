"""The one tree of domain errors.

Every error ketacare raises on purpose is a ``KetacareError``. Edges translate them in one place
each: ``web/errors.py`` (HTML page or RFC 9457 problem document) and the CLI (one line, exit code).

    KetacareError
    ├── ValidationFailed        bad input; carries field-level messages
    ├── NotFound                the thing asked for does not exist (or is not visible to you)
    ├── Conflict                the request clashes with what is stored (duplicate MRN, ...)
    ├── PermissionDenied        the staff user's roles do not allow the action
    ├── AuthenticationFailed    sign-in failed
    │   └── AccountLocked       too many failed attempts; says when it unlocks
    ├── ConfigurationError      settings are missing or unsafe
    ├── AuditChainBroken        the audit trail's hash chain does not verify
    ├── ScreeningError          a screening request is unusable (core/screening)
    │   └── InvalidIntake       intake facts of the wrong type or impossible value, by field
    ├── InvalidAnswers          an instrument's answers break its rules (core/instruments)
    ├── InvalidCutoffs          a clinic's outcome cut-off is not usable (core/instruments/outcomes)
    ├── LinkRefused             a patient portal link cannot be used (core/portal)
    │   ├── LinkNotFound, LinkExpired, LinkSpent, LinkLocked, DateOfBirthNeeded
    ├── DateOfBirthMismatch     the date of birth typed on the portal does not match
    ├── DosingError             a dose, volume or rate cannot be calculated safely (core/dosing)
    ├── InvalidProtocol         a protocol's values contradict each other (core/protocols)
    ├── PlanningError           treatment dates cannot be planned as asked (core/protocols)
    ├── SchedulingError         a treatment cannot be put on a chair as asked (core/scheduling)
    ├── TreatmentError          a treatment cannot move to the state asked; lists what is missing
    ├── MailNotSent             the SMTP server did not take a message (interop/mail)
    └── InteropError            traffic from another system cannot be handled (interop)
        └── Hl7Error            HL7 v2 messages and MLLP framing (interop/hl7v2)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


class KetacareError(Exception):
    """Base of every deliberate ketacare error; ``str(err)`` is a message fit for a person."""


@dataclass(frozen=True)
class FieldError:
    """One failing field: a dotted path (``emergency_contact.phone``) and what is wrong with it."""

    field: str
    message: str


class ValidationFailed(KetacareError):
    """Input that breaks a rule; nothing has been stored."""

    def __init__(self, errors: list[FieldError] | Mapping[str, str]) -> None:
        if isinstance(errors, Mapping):
            errors = [FieldError(k, v) for k, v in errors.items()]
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    def by_field(self) -> dict[str, str]:
        """The first message for each field, for drawing next to form inputs."""
        out: dict[str, str] = {}
        for e in self.errors:
            out.setdefault(e.field, e.message)
        return out


class NotFound(KetacareError):
    """The record does not exist, or the staff user may not see it (we do not say which)."""


class Conflict(KetacareError):
    """The change clashes with stored data; ``field`` names the clashing input when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class PermissionDenied(KetacareError):
    """The staff user's roles at this site do not grant the action."""


class AuthenticationFailed(KetacareError):
    """Wrong email, password or one-time code. The message never says which."""


class AccountLocked(AuthenticationFailed):
    """Too many failed sign-ins; the account unlocks by itself at ``until``."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            "This account is locked after repeated failed sign-ins. "
            f"It unlocks at {until:%Y-%m-%d %H:%M} UTC, or an admin can unlock it sooner."
        )


class ConfigurationError(KetacareError):
    """A setting is missing, malformed or unsafe; the message names the variable to fix."""


class AuditChainBroken(KetacareError):
    """An audit row no longer matches its hash; ``event_id`` is the first broken link."""

    def __init__(self, event_id: int, reason: str) -> None:
        self.event_id = event_id
        super().__init__(f"audit trail broken at event {event_id}: {reason}")


class InteropError(KetacareError):
    """A message from another system (a bedside monitor, an HL7 feed) cannot be handled."""
