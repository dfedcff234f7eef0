"""Proposing a course's treatments: the protocol's dates, then a chair and a time for each.

Nothing is stored here. A proposal is shown to the prescriber, who may change any time or chair
before confirming; ``courses.create_course`` then checks the confirmed slots again under a lock,
because the calendar may have changed in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ketacare.core.enums import CoursePhase, Eligibility
from ketacare.core.errors import Conflict, NotFound, ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.protocols.model import ByReview, Protocol, value_of
from ketacare.core.protocols.orders import check_order_dose
from ketacare.core.protocols.schedule import (
    PlanningError,
    WeekRule,
    min_interval_days,
    plan_phase,
    plan_weeks,
)
from ketacare.core.protocols.timing import chair_minutes
from ketacare.core.scheduling.model import SchedulingError, SiteCalendar, Slot, TreatmentNeeds
from ketacare.core.scheduling.series import book_series
from ketacare.db.models import Patient, ProtocolVersion, Site
from ketacare.services import consent, eligibility
from ketacare.services import protocols as protocol_store
from ketacare.services.context import Actor
from ketacare.services.responses import patient_for
from ketacare.services.scheduling_setup import scheduling_settings, site_calendar

# How far past the last target day the calendar is loaded: every treatment may shift by up to
# ``max_shift_days``, and one shift can push the next.
CALENDAR_SLACK_WEEKS = 4


@dataclass(frozen=True)
class CourseOrder:
    """What the prescriber orders. ``dose`` is in the protocol's unit (mg/kg, mg or mg/kg/h);
    ``treatments`` and ``per_week`` override the phase's count and frequency (required where the
    protocol has no fixed calendar); weekdays are 0 (Monday) to 6."""

    patient_id: int
    protocol_code: str
    site_id: int
    start_on: date
    dose: Decimal
    treatments: int | None = None
    per_week: int | None = None
    every_n_weeks: int | None = None
    preferred_weekdays: tuple[int, ...] = ()
    preferred_time: time | None = None
    note: str = ""


@dataclass(frozen=True)
class Proposal:
    """Proposed treatments for one phase, with what the prescriber should know before confirming."""

    order: CourseOrder
    version: ProtocolVersion
    protocol: Protocol
    phase: CoursePhase
    site: Site
    slots: tuple[Slot, ...]
    chair_min: int
    min_interval: timedelta
    warnings: tuple[str, ...]
    order_course_id: int | None = None  # set when proposing more treatments for a course


@dataclass(frozen=True)
class Plan:
    """The checked order with everything needed to book it: patient, protocol, needs, calendar."""

    patient: Patient
    version: ProtocolVersion
    protocol: Protocol
    site: Site
    needs: TreatmentNeeds
    min_interval: timedelta
    max_shift_days: int
    warnings: tuple[str, ...]


def prepare(db: Session, actor: Actor, order: CourseOrder, version_id: int | None = None) -> Plan:
    """Check the order (who may order, the protocol is usable, the dose may stand) and work out
    what each treatment needs. ``version_id`` pins a course's own protocol version."""
    actor.require(Action.ORDER_COURSE, order.site_id)
    patient = patient_for(db, actor, order.patient_id, Action.READ_PATIENT)
    site = db.get(Site, order.site_id)
    if site is None or site.organization_id != patient.organization_id:
        raise NotFound("No such site.")
    today = actor.at.astimezone(ZoneInfo(site.timezone)).date()
    if order.start_on < today:
        raise ValidationFailed({"start_on": "The first day cannot be in the past."})
    version = _version(db, patient.organization_id, order.protocol_code, version_id)
    preferences = TreatmentNeeds(
        0, False, frozenset(order.preferred_weekdays), order.preferred_time
    )
    plan = plan_of(db, patient, site, version, order.dose, preferences)
    return replace(plan, warnings=plan.warnings + assessment_warnings(db, actor, patient, version))


def assessment_warnings(
    db: Session, actor: Actor, patient: Patient, version: ProtocolVersion
) -> tuple[str, ...]:
    """What the assessment still lacks for this protocol (issue 4): shown on the proposal, and
    checked again when a treatment is cleared. A signed "not eligible" refuses the order."""
    code = protocol_store.screening_code(version)
    decision = eligibility.current_decision(db, actor, patient.id, code)
    if decision is not None and decision.decision == Eligibility.NOT_ELIGIBLE:
        raise Conflict(
            "The prescriber's current eligibility decision for this protocol is "
            "'not eligible'; a course cannot be ordered.",
            "protocol",
        )
    found = []
    if decision is None:
        found.append(
            "No current eligibility decision for this protocol: sign one before the first "
            "treatment is cleared."
        )
    if not consent.has_valid_consent(db, patient.id, code):
        found.append("Consent for this protocol is not signed yet.")
    return tuple(found)


def plan_of(
    db: Session,
    patient: Patient,
    site: Site,
    version: ProtocolVersion,
    dose: Decimal,
    preferences: TreatmentNeeds,
) -> Plan:
    """The plan for one patient's treatments under ``version`` at ``site`` (no permission check:
    callers check theirs). ``preferences`` carries the patient's preferred weekdays and time."""
    protocol = protocol_store.load(version)
    missing = protocol.unset()
    if missing:
        raise Conflict(
            f"{protocol.name}: the clinic must set {', '.join(missing)} on the protocol "
            "before treatments can be booked.",
            "protocol",
        )
    warnings = check_order_dose(protocol, dose)
    settings = scheduling_settings(db, patient.organization_id)
    fixed_mg = dose if protocol.dose_rule.kind == "fixed_mg" else None
    needs = replace(
        preferences,
        chair_min=chair_minutes(protocol, fixed_mg, settings.check_in_min),
        needs_prescriber=value_of(protocol.prescriber_on_site) is True,
    )
    hours = value_of(protocol.min_interval_hours) or 0
    return Plan(
        patient,
        version,
        protocol,
        site,
        needs,
        timedelta(hours=hours),
        settings.max_shift_days,
        warnings,
    )


def _version(
    db: Session, organization_id: int, code: str, version_id: int | None
) -> ProtocolVersion:
    if version_id is None:
        return protocol_store.current_version(db, organization_id, code)
    row = db.get(ProtocolVersion, version_id)
    if row is None or row.organization_id != organization_id:
        raise NotFound("No such protocol version.")
    return row


def propose(
    db: Session,
    actor: Actor,
    order: CourseOrder,
    phase: CoursePhase = CoursePhase.INDUCTION,
    *,
    after: datetime | None = None,
    version_id: int | None = None,
) -> Proposal:
    """Every treatment of ``phase`` on a chair and time, from the order's start (``after``: the
    last treatment already given or booked, which the first must keep the interval from)."""
    plan = prepare(db, actor, order, version_id)
    try:
        days = target_days(plan.protocol, phase, order, after)
        calendar = calendar_for(db, plan, days[0], days[-1])
        slots = book_series(
            calendar,
            plan.needs,
            days,
            plan.min_interval,
            after=after,
            max_shift_days=plan.max_shift_days,
            not_before=actor.at,
        )
    except (PlanningError, SchedulingError) as refused:
        raise Conflict(str(refused), "start_on") from refused
    return Proposal(
        order,
        plan.version,
        plan.protocol,
        phase,
        plan.site,
        tuple(slots),
        plan.needs.chair_min,
        plan.min_interval,
        plan.warnings,
    )


def calendar_for(
    db: Session, plan: Plan, first: date, last: date, ignore: frozenset[int] = frozenset()
) -> SiteCalendar:
    """The site's calendar from ``first`` to well past ``last`` (room for shifted treatments)."""
    slack = timedelta(days=plan.max_shift_days, weeks=CALENDAR_SLACK_WEEKS)
    return site_calendar(db, plan.site.id, first, last + slack, ignore_appointment_ids=ignore)


def target_days(
    protocol: Protocol, phase: CoursePhase, order: CourseOrder, after: datetime | None
) -> list[date]:
    """The phase's treatment dates before chairs are looked at (core/protocols/schedule.py)."""
    schedule = protocol.phase(phase).schedule
    hours = value_of(protocol.min_interval_hours) or 0
    after_on = None if after is None else after.date()
    if isinstance(schedule, ByReview):
        if order.per_week is None or order.treatments is None:
            message = f"{schedule.note} Give treatments per week and how many to book."
            raise ValidationFailed({"per_week": message, "treatments": message})
        rule = WeekRule(1, None, order.per_week, order.every_n_weeks or 1)
        return plan_weeks(
            [rule],
            order.start_on,
            min_interval_days(hours),
            order.preferred_weekdays,
            order.treatments,
            after_on,
        )
    start = _phase_start(protocol, phase, order.start_on)
    if phase is CoursePhase.MAINTENANCE and order.treatments is None:
        most = value_of(protocol.phase(phase).max_treatments)
        if most is None:
            raise ValidationFailed({"treatments": "Give how many maintenance treatments to book."})
    return plan_phase(
        protocol,
        phase,
        start,
        order.preferred_weekdays or None,
        order.treatments,
        after=after_on,
        per_week=order.per_week,
        every_n_weeks=order.every_n_weeks,
    )


def _phase_start(protocol: Protocol, phase: CoursePhase, start_on: date) -> date:
    """The course-week-1 day that puts the phase's first block on ``start_on``: maintenance of
    esketamine begins in course week 5, so its week 1 is four weeks before (§3.2)."""
    schedule = protocol.phase(phase).schedule
    assert not isinstance(schedule, ByReview)
    return start_on - timedelta(weeks=schedule[0].first_week - 1)


def slot_days(slots: Sequence[Slot], plan: Plan) -> tuple[date, date]:
    """The first and last site-local day a list of slots touches."""
    zone = ZoneInfo(plan.site.timezone)
    local = sorted(s.starts_at.astimezone(zone).date() for s in slots)
    return local[0], local[-1]
