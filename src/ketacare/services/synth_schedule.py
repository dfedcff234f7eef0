"""This week's synthetic appointments: treatments in chairs; consultations and the like in rooms.

Each site's week runs Monday to Sunday in the site's own time zone, and the first treatment slot
of every chair is always booked, so today (there) has appointments in each chair. A slot that
overlaps an appointment already stored at that chair or room is left alone. Statuses follow the
clock passed in: past visits completed (a few no-shows), the current one arrived, later ones booked.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import cycle
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ketacare.core.enums import AppointmentKind, AppointmentStatus, LocationKind
from ketacare.db.models import Appointment, Location, Site
from ketacare.services import clinic

TREATMENT_STARTS = (time(8, 30), time(11, 0), time(13, 30), time(16, 0))
TREATMENT_LENGTH = timedelta(hours=2)  # dosing, then observation until discharge
ROOM_STARTS = tuple(time(hour) for hour in range(9, 17))
ROOM_LENGTH = timedelta(minutes=50)
TREATMENT_FILL = 0.8
ROOM_FILL = 0.6
ROOM_KINDS = (
    AppointmentKind.CONSULTATION,
    AppointmentKind.ASSESSMENT,
    AppointmentKind.INTEGRATION,
    AppointmentKind.FOLLOW_UP,
)
ROOM_KIND_WEIGHTS = (45, 20, 25, 10)
PAST = (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)
PAST_WEIGHTS = (88, 7, 5)
FUTURE = (AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED)
FUTURE_WEIGHTS = (95, 5)

Spans = Mapping[int, Sequence[tuple[datetime, datetime]]]


@dataclass(frozen=True)
class _Slot:
    location_id: int
    starts_at: datetime
    ends_at: datetime
    kind: AppointmentKind


def book_week(
    db: Session,
    rng: random.Random,
    sites: Sequence[Site],
    pools: Mapping[int, Sequence[int]],
    now: datetime,
) -> int:
    """Book this week at every site from that site's ``pools`` of patient ids; returns the count."""
    total = 0
    for site in sites:
        pool = pools.get(site.id, ())
        rows = _site_week(db, rng, site, pool, now) if pool else []
        if rows:
            db.execute(insert(Appointment), rows)
        total += len(rows)
    return total


def _site_week(
    db: Session, rng: random.Random, site: Site, pool: Sequence[int], now: datetime
) -> list[dict[str, Any]]:
    zone = ZoneInfo(site.timezone)
    local_today = now.astimezone(zone).date()
    monday = local_today - timedelta(days=local_today.weekday())
    locations = clinic.locations_of(db, site.id)
    taken = _taken(db, site.id, monday, zone)
    rows = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        slots = [s for s in _day_slots(rng, locations, day, zone) if not _clashes(s, taken)]
        # Distinct patients within a day while the pool lasts: nobody sits in two chairs at once.
        people = rng.sample(pool, min(len(slots), len(pool)))
        for slot, patient_id in zip(slots, cycle(people), strict=False):
            rows.append(_row(rng, slot, patient_id, site.id, now))
    return rows


def _day_slots(
    rng: random.Random, locations: Sequence[Location], day: date, zone: ZoneInfo
) -> list[_Slot]:
    slots = []
    for location in locations:
        if location.kind == LocationKind.CHAIR.value:
            for index, start in enumerate(TREATMENT_STARTS):
                if index == 0 or rng.random() < TREATMENT_FILL:
                    at = datetime.combine(day, start, tzinfo=zone)
                    slots.append(
                        _Slot(location.id, at, at + TREATMENT_LENGTH, AppointmentKind.TREATMENT)
                    )
            continue
        for start in ROOM_STARTS:
            if rng.random() < ROOM_FILL:
                at = datetime.combine(day, start, tzinfo=zone)
                kind = rng.choices(ROOM_KINDS, weights=ROOM_KIND_WEIGHTS)[0]
                slots.append(_Slot(location.id, at, at + ROOM_LENGTH, kind))
    return slots


def _taken(db: Session, site_id: int, monday: date, zone: ZoneInfo) -> Spans:
    """Stored, not-cancelled appointments at the site's locations during the week."""
    start = datetime.combine(monday, time.min, tzinfo=zone)
    rows = db.execute(
        select(Appointment.location_id, Appointment.starts_at, Appointment.ends_at).where(
            Appointment.site_id == site_id,
            Appointment.starts_at >= start - timedelta(days=1),
            Appointment.starts_at < start + timedelta(days=8),
            Appointment.status != AppointmentStatus.CANCELLED.value,
        )
    ).all()
    spans: dict[int, list[tuple[datetime, datetime]]] = {}
    for location_id, starts_at, ends_at in rows:
        if location_id is not None:  # an appointment without a chair or room blocks nothing
            spans.setdefault(location_id, []).append((starts_at, ends_at))
    return spans


def _clashes(slot: _Slot, taken: Spans) -> bool:
    spans = taken.get(slot.location_id, ())
    return any(start < slot.ends_at and slot.starts_at < end for start, end in spans)


def _row(
    rng: random.Random, slot: _Slot, patient_id: int, site_id: int, now: datetime
) -> dict[str, Any]:
    if slot.ends_at <= now:
        status = rng.choices(PAST, weights=PAST_WEIGHTS)[0]
    elif slot.starts_at <= now:
        status = AppointmentStatus.ARRIVED
    else:
        status = rng.choices(FUTURE, weights=FUTURE_WEIGHTS)[0]
    return {
        "patient_id": patient_id,
        "site_id": site_id,
        "location_id": slot.location_id,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "kind": slot.kind.value,
        "status": status.value,
        "note": "",
    }
