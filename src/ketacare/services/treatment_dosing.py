"""The prescriber's order for one treatment: the course's dose turned into what to prepare.

The dose is in the protocol's unit (mg/kg, mg/kg/h or mg); the arithmetic is ``core/dosing``'s:
the dosing weight from the patient's latest weight on the protocol's weight basis, the bag and pump
rate for an IV dose over the protocol's time (``plan_infusion``), the pump rate for an hourly dose
(``plan_rate_infusion``), the devices for esketamine. A dose above the protocol's cap needs the
prescriber's override with a reason; a dose outside min..max needs a second prescriber's signature
before the treatment can be cleared (clinical-reference §1.1 software rule). Orders are added,
never edited: the latest counts, and only before the treatment is cleared.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.dosing import (
    DosingError,
    DosingWeight,
    PrescriberOverride,
    dosing_weight,
    esketamine_devices,
    plan_infusion,
    plan_rate_infusion,
)
from ketacare.core.dosing.caps import CapCheck, authorised, exceeded
from ketacare.core.dosing.quantities import DOSE_STEP_MG, round_half_up
from ketacare.core.enums import AuditAction, TreatmentState
from ketacare.core.errors import Conflict, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.protocols.orders import check_order_dose
from ketacare.db.models import BodyMeasurement, Course, DoseOrder, Patient, Treatment
from ketacare.services import treatments
from ketacare.services.context import Actor
from ketacare.services.treatment_facts import (
    above_cap,
    awaiting_second_signature,
    cap_of,
    latest_order,
    needs_second_signature,
    protocol_of,
)

MINUTES_PER_HOUR = 60
# Where each dosing input's message is drawn on the order form.
FIELD_OF = {
    "dose_mg_per_kg": "dose",
    "dose_mg_per_kg_per_h": "dose",
    "dose_mg": "dose",
    "weight_kg": "weight",
    "height_cm": "weight",
    "sex_at_birth": "weight",
    "basis": "weight",
    "duration_min": "duration_min",
    "stock_mg_per_ml": "stock_mg_per_ml",
    "bag_ml": "bag_ml",
    "concentration_mg_per_ml": "concentration_mg_per_ml",
    "reason": "override_reason",
    "prescriber_id": "override_reason",
}


@dataclass(frozen=True)
class DoseRequest:
    """What the prescriber enters: the dose (None: the course's standing dose), the stock and
    bag for an IV dose over time, the bag concentration for an hourly dose, an override reason."""

    dose: Decimal | None = None
    stock_mg_per_ml: Decimal | None = None
    bag_ml: Decimal | None = None
    concentration_mg_per_ml: Decimal | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class Calculated:
    """The order's arithmetic, ready to store (``stock_mg_per_ml`` holds the bag concentration
    for an hourly dose)."""

    weight: DosingWeight | None
    dose_mg: Decimal
    duration_min: int | None = None
    stock_mg_per_ml: Decimal | None = None
    bag_ml: Decimal | None = None
    rate_ml_per_h: Decimal | None = None
    devices: int | None = None


def order_dose(db: Session, actor: Actor, treatment_id: int, request: DoseRequest) -> DoseOrder:
    """Store the prescriber's order for this treatment, audited with its arithmetic."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.ORDER_DOSE)
    treatments.require_state(treatment, TreatmentState.CHECKED_IN, doing="ordering the dose")
    course = db.get(Course, treatment.course_id) if treatment.course_id else None
    protocol = protocol_of(db, treatment)
    dose = request.dose if request.dose is not None else course.dose if course else None
    if dose is None:
        raise ValidationFailed({"dose": f"Enter the dose in {protocol.dose_rule.unit}."})
    reason = request.override_reason.strip()
    try:
        override = PrescriberOverride(actor.staff_user_id or 0, reason) if reason else None
        if not above_cap(protocol, dose):  # above the cap, the plan asks for the override
            check_order_dose(protocol, dose)
        done = _calculate(db, treatment, protocol, dose, request, override)
    except DosingError as refused:
        raise ValidationFailed({FIELD_OF.get(refused.field or "", "dose"): str(refused)}) from None
    row = _stored(
        treatment, protocol, dose, done, reason if above_cap(protocol, dose) else "", actor
    )
    db.add(row)
    db.flush()
    treatments.record(
        db, actor, AuditAction.CREATE, "dose_order", row.id, treatment,
        dose=str(dose), unit=row.dose_unit, dose_mg=str(row.dose_mg),
        override=bool(row.override_reason), second_signature=needs_second_signature(protocol, row),
    )  # fmt: skip
    return row


def _calculate(
    db: Session,
    treatment: Treatment,
    protocol: Protocol,
    dose: Decimal,
    request: DoseRequest,
    override: PrescriberOverride | None,
) -> Calculated:
    kind = protocol.dose_rule.kind
    if kind == "fixed_mg":
        return _fixed(protocol, dose, override)
    weight = _weight(db, treatment, protocol)
    if kind == "mg_per_kg_per_h":
        return _hourly(protocol, weight, dose, request, override)
    if protocol.route == "intravenous":
        return _infusion(protocol, weight, dose, request, override)
    over = exceeded([CapCheck("The dose of", dose, cap_of(protocol), "mg/kg")])
    authorised(over, override, "dose_mg_per_kg")
    return Calculated(weight, _mg(Fraction(weight.kg) * Fraction(dose)))


def _mg(exact: Fraction) -> Decimal:
    """mg half-up to 0.1 mg, the dose step of core/dosing."""
    return round_half_up(exact, DOSE_STEP_MG)


def _fixed(protocol: Protocol, dose: Decimal, override: PrescriberOverride | None) -> Calculated:
    """A fixed dose in mg; esketamine's in 28 mg devices (§3.3)."""
    authorised(
        exceeded([CapCheck("The dose of", dose, cap_of(protocol), "mg")]), override, "dose_mg"
    )
    devices = esketamine_devices(dose) if protocol.device is not None else None
    return Calculated(None, dose, devices=devices)


def _infusion(
    protocol: Protocol,
    weight: DosingWeight,
    dose: Decimal,
    request: DoseRequest,
    override: PrescriberOverride | None,
) -> Calculated:
    duration = _duration(protocol)
    stock, bag = _given(request, "stock_mg_per_ml", "bag_ml")
    plan = plan_infusion(
        weight_kg=weight,
        dose_mg_per_kg=dose,
        duration_min=duration,
        stock_mg_per_ml=stock,
        bag_ml=bag,
        cap_mg_per_kg=cap_of(protocol),
        override=override,
    )
    return Calculated(
        weight, plan.dose_mg, duration, plan.stock_mg_per_ml, plan.bag_ml, plan.rate_ml_per_h
    )


def _hourly(
    protocol: Protocol,
    weight: DosingWeight,
    dose: Decimal,
    request: DoseRequest,
    override: PrescriberOverride | None,
) -> Calculated:
    """An hourly dose run for the protocol's infusion time; the total is mg/h x hours."""
    duration = _duration(protocol)
    (concentration,) = _given(request, "concentration_mg_per_ml")
    plan = plan_rate_infusion(
        weight_kg=weight,
        dose_mg_per_kg_per_h=dose,
        concentration_mg_per_ml=concentration,
        cap_mg_per_kg_per_h=cap_of(protocol),
        override=override,
    )
    total = _mg(Fraction(plan.dose_mg_per_h) * duration / MINUTES_PER_HOUR)
    return Calculated(
        weight, total, duration, plan.concentration_mg_per_ml, None, plan.rate_ml_per_h
    )


def _duration(protocol: Protocol) -> int:
    duration = value_of(protocol.infusion_duration_min)
    if duration is None:
        raise ValidationFailed(
            {"duration_min": "The protocol has no infusion time yet: the clinic sets it first."}
        )
    return duration


def _given(request: DoseRequest, *names: str) -> list[Decimal]:
    """The named inputs of ``request``; ValidationFailed for each one left blank."""
    values: dict[str, Decimal | None] = {name: getattr(request, name) for name in names}
    blank = {
        name: "Enter this to work out the pump rate." for name, v in values.items() if v is None
    }
    if blank:
        raise ValidationFailed(blank)
    return [v for v in values.values() if v is not None]


def _weight(db: Session, treatment: Treatment, protocol: Protocol) -> DosingWeight:
    """The dosing weight from the latest weight (and height, for ideal or adjusted weight)."""
    patient = db.get(Patient, treatment.patient_id)
    assert patient is not None
    weight = _latest_measure(db, patient.id, BodyMeasurement.weight_kg)
    if weight is None:
        raise ValidationFailed({"weight": "Record the patient's weight on the chart first."})
    course = db.get(Course, treatment.course_id) if treatment.course_id else None
    basis = (course.weight_basis if course else None) or value_of(protocol.dose_rule.weight_basis)
    height = _latest_measure(db, patient.id, BodyMeasurement.height_cm)
    return dosing_weight(basis or "actual", weight, height, patient.sex_at_birth)


def _latest_measure(db: Session, patient_id: int, column: object) -> Decimal | None:
    value: Decimal | None = db.scalar(
        select(column)  # type: ignore[call-overload]
        .where(BodyMeasurement.patient_id == patient_id, column.isnot(None))  # type: ignore[attr-defined]
        .order_by(BodyMeasurement.measured_on.desc(), BodyMeasurement.id.desc())
        .limit(1)
    )
    return value


def _stored(
    treatment: Treatment,
    protocol: Protocol,
    dose: Decimal,
    done: Calculated,
    override_reason: str,
    actor: Actor,
) -> DoseOrder:
    weight = done.weight
    return DoseOrder(
        treatment_id=treatment.id,
        dose=dose,
        dose_unit=protocol.dose_rule.unit,
        weight_kg=None if weight is None else _actual_kg(weight),
        weight_basis=None if weight is None else weight.basis,
        dosing_weight_kg=None if weight is None else weight.kg,
        dose_mg=done.dose_mg,
        duration_min=done.duration_min,
        stock_mg_per_ml=done.stock_mg_per_ml,
        bag_ml=done.bag_ml,
        rate_ml_per_h=done.rate_ml_per_h,
        devices=done.devices,
        override_reason=override_reason,
        ordered_by_id=actor.staff_user_id,
        ordered_at=actor.at,
    )


def _actual_kg(weight: DosingWeight) -> Decimal | None:
    """The measured weight when it is the dosing weight; the formula names it otherwise."""
    return weight.kg if weight.basis == "actual" else None


def countersign(db: Session, actor: Actor, treatment_id: int) -> DoseOrder:
    """A second prescriber signs an order whose dose is outside the protocol's min..max."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.ORDER_DOSE)
    order = latest_order(db, treatment.id)
    protocol = protocol_of(db, treatment)
    if order is None or not awaiting_second_signature(protocol, order):
        raise Conflict("No order of this treatment is waiting for a second signature.", "order")
    if order.ordered_by_id == actor.staff_user_id:
        raise Conflict("The second signature must come from another prescriber.", "order")
    order.second_signature_by_id = actor.staff_user_id
    treatments.record(
        db, actor, AuditAction.UPDATE, "dose_order", order.id, treatment, countersigned=True
    )
    return order
