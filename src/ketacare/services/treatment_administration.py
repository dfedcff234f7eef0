"""What was given: the administration that starts dosing, then pump or device events until dosing
ends and observation begins.

Until the controlled-substance ledger exists, the lot is typed with its expiry and checked: an
expired lot is refused (issue 6). An infusion starts the pump at the ordered rate; rate changes,
pauses, resumes and the stop are events with their times. Esketamine is given device by device,
each with its time, and a device sooner than the label's rest after the previous one is kept with
a warning (5 minutes between devices, clinical-reference §3.3 [SPR-HCP]). Stopping ends dosing and
starts the observation the protocol's minimum is counted from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, TreatmentState
from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol
from ketacare.db.models import Administration, AdministrationEvent, Site, Treatment
from ketacare.services import treatments
from ketacare.services.context import Actor
from ketacare.services.treatment_facts import administration_of, latest_order, protocol_of

PUMP_EVENTS = ("rate_change", "pause", "resume", "stop")
DEVICE = "device"
START = "start"
PRODUCTS = {
    "intranasal": "Esketamine nasal spray (SPRAVATO) 28 mg device",
    "intravenous": "Ketamine hydrochloride injection",
    "intramuscular": "Ketamine hydrochloride injection",
    "oral": "Ketamine (oral or sublingual)",
}


@dataclass(frozen=True)
class AdministrationRequest:
    product: str
    lot_number: str
    lot_expiry: date | None
    started_at: datetime | None = None  # None: now
    rate_ml_per_h: Decimal | None = None  # None: the ordered rate


@dataclass(frozen=True)
class Recorded:
    """An event stored, with a warning for the nurse when it breaks a label's timing."""

    event: AdministrationEvent
    warning: str = ""


def start(
    db: Session, actor: Actor, treatment_id: int, request: AdministrationRequest
) -> Administration:
    """Record the product, lot and start of the ordered dose; the treatment moves to dosing."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, TreatmentState.CLEARED, doing="starting the dose")
    order = latest_order(db, treatment.id)
    if order is None:
        raise Conflict("There is no order for this treatment.", "order")
    at = _when(request.started_at, actor, "started_at")
    _check_lot(db, treatment, request, at)
    protocol = protocol_of(db, treatment)
    row = Administration(
        treatment_id=treatment.id,
        product=request.product.strip(),
        lot_number=request.lot_number.strip(),
        lot_expiry=request.lot_expiry,
        route=protocol.route,
        dose_mg=order.dose_mg,
        rate_ml_per_h=request.rate_ml_per_h or order.rate_ml_per_h,
        started_at=at,
        administered_by_id=actor.staff_user_id,
        recorded_at=actor.at,
    )
    db.add(row)
    db.flush()
    first = _first_event(protocol, row)
    _event(db, actor, row, first, at, rate=row.rate_ml_per_h, number=1 if first == DEVICE else None)
    treatments.record(
        db, actor, AuditAction.CREATE, "administration", row.id, treatment,
        lot=row.lot_number, dose_mg=str(row.dose_mg),
    )  # fmt: skip
    treatments.move(db, actor, treatment, TreatmentState.DOSING, at=at)
    return row


def _first_event(protocol: Protocol, row: Administration) -> str:
    return DEVICE if protocol.device is not None else START


def _when(given: datetime | None, actor: Actor, field: str) -> datetime:
    at = given or actor.at
    if at > actor.at:
        raise ValidationFailed({field: "The time cannot be in the future."})
    return at


def _check_lot(
    db: Session, treatment: Treatment, request: AdministrationRequest, at: datetime
) -> None:
    errors = {}
    if not request.product.strip():
        errors["product"] = "Name the product given."
    if not request.lot_number.strip():
        errors["lot_number"] = "Enter the lot number from the package."
    if request.lot_expiry is None:
        errors["lot_expiry"] = "Enter the lot's expiry date from the package."
    elif request.lot_expiry < _site_day(db, treatment, at):
        errors["lot_expiry"] = (
            f"Lot {request.lot_number.strip()} expired on {request.lot_expiry.isoformat()}; "
            "it cannot be used."
        )
    if errors:
        raise ValidationFailed(errors)


def _site_day(db: Session, treatment: Treatment, at: datetime) -> date:
    site = db.get(Site, treatment.site_id)
    assert site is not None
    return at.astimezone(ZoneInfo(site.timezone)).date()


def record_event(
    db: Session,
    actor: Actor,
    treatment_id: int,
    kind: str,
    at: datetime | None = None,
    rate_ml_per_h: Decimal | None = None,
    note: str = "",
) -> Recorded:
    """A pump event (rate change, pause, resume, stop) or the next esketamine device; ``stop``
    ends dosing and starts observation."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, TreatmentState.DOSING, doing="a pump or device event")
    row = administration_of(db, treatment.id)
    assert row is not None  # dosing starts with the administration
    when = _when(at, actor, "at")
    events = events_of(db, row.id)
    if events and when < events[-1].at:
        raise ValidationFailed({"at": "The time is before the last event recorded."})
    if kind == DEVICE:
        recorded = _device(db, actor, treatment, row, events, when, note)
    else:
        _check_pump(kind, events, rate_ml_per_h)
        recorded = Recorded(_event(db, actor, row, kind, when, rate=rate_ml_per_h, note=note))
    event = recorded.event
    treatments.record(
        db, actor, AuditAction.CREATE, "administration_event", event.id, treatment, kind=kind
    )
    if kind == "stop":
        end_dosing(db, actor, treatment, row, when)
    return recorded


def _check_pump(kind: str, events: list[AdministrationEvent], rate: Decimal | None) -> None:
    if kind not in PUMP_EVENTS:
        raise ValidationFailed({"kind": f"Choose one of: {', '.join(PUMP_EVENTS)}."})
    paused = _paused(events)
    if kind == "pause" and paused:
        raise Conflict("The pump is already paused.", "kind")
    if kind == "resume" and not paused:
        raise Conflict("The pump is not paused.", "kind")
    if kind == "rate_change" and (rate is None or rate <= 0):
        raise ValidationFailed({"rate_ml_per_h": "Enter the new rate in mL/h (more than 0)."})


def _paused(events: list[AdministrationEvent]) -> bool:
    pumps = [e.kind for e in events if e.kind in ("pause", "resume")]
    return bool(pumps) and pumps[-1] == "pause"


def _device(
    db: Session,
    actor: Actor,
    treatment: Treatment,
    row: Administration,
    events: list[AdministrationEvent],
    at: datetime,
    note: str,
) -> Recorded:
    """The next nasal device; warn when it comes sooner than the label's rest after the last."""
    protocol = protocol_of(db, treatment)
    order = latest_order(db, treatment.id)
    given = [e for e in events if e.kind == DEVICE]
    if protocol.device is None or order is None or order.devices is None:
        raise Conflict("This treatment is not given by nasal device.", "kind")
    if len(given) >= order.devices:
        raise Conflict(f"All {order.devices} devices of the order are given.", "kind")
    number = len(given) + 1
    event = _event(db, actor, row, DEVICE, at, number=number, note=note)
    previous = given[-1].at if given else None
    return Recorded(event, gap_warning(protocol, previous, event))


def gap_warning(
    protocol: Protocol, previous_at: datetime | None, event: AdministrationEvent
) -> str:
    """A warning when a device came sooner than the label's rest after the one before (§3.3)."""
    device = protocol.device
    if device is None or previous_at is None or event.kind != DEVICE:
        return ""
    rest = device.rest_between_devices_min
    gap = event.at - previous_at
    if gap >= timedelta(minutes=rest.value):
        return ""
    return (
        f"Device {event.device_number} was given {int(gap.total_seconds() // 60)} min after the "
        f"one before; the label asks for {rest.value} minutes between devices ({rest.source})."
    )


def device_warnings(protocol: Protocol, events: list[AdministrationEvent]) -> dict[int, str]:
    """The gap warning of each device event that has one, by event id (for the page)."""
    devices = [e for e in events if e.kind == DEVICE]
    found = {
        later.id: gap_warning(protocol, earlier.at, later) for earlier, later in pairwise(devices)
    }
    return {event_id: text for event_id, text in found.items() if text}


def end_dosing(
    db: Session, actor: Actor, treatment: Treatment, row: Administration, at: datetime
) -> None:
    """Dosing is over at ``at``: the administration ends and observation starts."""
    row.ended_at = at
    treatments.move(db, actor, treatment, TreatmentState.OBSERVATION, at=at)


def _event(
    db: Session,
    actor: Actor,
    row: Administration,
    kind: str,
    at: datetime,
    *,
    rate: Decimal | None = None,
    number: int | None = None,
    note: str = "",
) -> AdministrationEvent:
    event = AdministrationEvent(
        administration_id=row.id,
        kind=kind,
        at=at,
        rate_ml_per_h=rate,
        device_number=number,
        note=note.strip(),
        by_id=actor.staff_user_id,
    )
    db.add(event)
    db.flush()
    return event


def events_of(db: Session, administration_id: int) -> list[AdministrationEvent]:
    return list(
        db.scalars(
            select(AdministrationEvent)
            .where(AdministrationEvent.administration_id == administration_id)
            .order_by(AdministrationEvent.at, AdministrationEvent.id)
        )
    )
