"""What the scheduler reads and returns. None of these values is clinical: opening hours, the
rota, the nurse-to-chair ratio and the slot step are the clinic's own settings.

Instants are timezone-aware; wall-clock times (opening hours, a preferred start) are the site's,
read in ``SiteCalendar.zone``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Literal

from ketacare.core.errors import KetacareError

DutyRole = Literal["nurse", "prescriber"]


class SchedulingError(KetacareError):
    """A treatment cannot be booked as asked; the message says which and why, in clinic words."""


@dataclass(frozen=True)
class Opening:
    """A site's treatment hours on one weekday, wall-clock, ``opens`` < ``closes``."""

    opens: time
    closes: time


@dataclass(frozen=True)
class ChairBooking:
    """A chair already taken from ``starts_at`` to ``ends_at`` (an appointment not cancelled)."""

    location_id: int
    starts_at: datetime
    ends_at: datetime
    appointment_id: int | None = None


@dataclass(frozen=True)
class OnDuty:
    """A staff user working at the site from ``starts_at`` to ``ends_at`` in ``role``."""

    staff_user_id: int
    role: DutyRole
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SiteCalendar:
    """Everything the scheduler knows about one site over the days it may book.

    ``chairs_per_nurse``: each nurse on duty covers that many occupied chairs at once (a clinic
    setting; the clinical reference gives no ratio). ``slot_step_min``: start times are multiples
    of this many minutes after opening. ``chair_ids`` in the order chairs are offered: the first
    free one is booked.
    """

    zone: tzinfo
    opening: Mapping[int, Opening]
    closed_on: Mapping[date, str]
    chair_ids: tuple[int, ...]
    bookings: tuple[ChairBooking, ...]
    on_duty: tuple[OnDuty, ...]
    chairs_per_nurse: int
    slot_step_min: int = 15


@dataclass(frozen=True)
class TreatmentNeeds:
    """What one treatment of a course needs: a chair for ``chair_min`` minutes (check-in, dosing
    and observation), a prescriber on site throughout when ``needs_prescriber`` (esketamine REMS,
    clinical-reference §3.9), and the patient's preferences, used to choose among free slots."""

    chair_min: int
    needs_prescriber: bool = False
    preferred_weekdays: frozenset[int] = field(default_factory=frozenset)
    preferred_start: time | None = None


@dataclass(frozen=True)
class Slot:
    """A treatment booked into a chair."""

    location_id: int
    starts_at: datetime
    ends_at: datetime
