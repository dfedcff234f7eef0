"""Completed instruments: store a scored response (raising any safety alert in the same
transaction), list a patient's responses, and build the trajectory a chart draws.

The score is computed once, when the response is stored, by ``core.instruments.score``; the
stored total, band and flags are what the clinician saw and are never recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    AppointmentStatus,
    AuditAction,
    ResponseSource,
    TimePoint,
)
from ketacare.core.errors import NotFound, ValidationFailed
from ketacare.core.instruments import Score, instrument, score
from ketacare.core.instruments.model import Total
from ketacare.core.instruments.outcomes import Cutoffs, classify, response_line
from ketacare.core.permissions import Action
from ketacare.db.models import Appointment, InstrumentResponse, Patient
from ketacare.services import audit, outcome_settings, safety
from ketacare.services.context import Actor

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class TrajectoryPoint:
    """One response on the chart; ``outcome`` is "" for the baseline and anything before it."""

    response_id: int
    completed_at: datetime
    total: Total
    band: str
    time_point: str
    outcome: str


@dataclass(frozen=True)
class Trajectory:
    """One instrument over time, with the lines a chart draws (None when there is no line)."""

    code: str
    name: str
    total_range: tuple[int, int]
    points: tuple[TrajectoryPoint, ...]
    baseline_total: Total | None
    response_line: Decimal | None
    remission_cutoff: int | None
    remission_text: str
    cutoffs: Cutoffs
    treatment_times: tuple[datetime, ...]


def patient_for(db: Session, actor: Actor, patient_id: int, action: Action) -> Patient:
    """The patient when the actor may do ``action`` at the patient's site.

    NotFound when the patient is not visible at all; PermissionDenied when visible but the
    actor's role there does not allow ``action``."""
    patient = db.get(Patient, patient_id)
    sites = actor.visible_sites(Action.READ_PATIENT)
    if patient is None or (sites is not None and patient.site_id not in sites):
        raise NotFound("No such patient, or the patient is at a site you do not work at.")
    actor.require(action, patient.site_id)
    return patient


def record_clinician_response(
    db: Session,
    actor: Actor,
    patient_id: int,
    code: str,
    answers: Sequence[int | None],
    time_point: str,
    completed_at: datetime,
) -> InstrumentResponse:
    """Score and store a rating (or a paper self-report) entered on the chart.

    Raises ``InvalidAnswers`` (from scoring) or ``ValidationFailed`` before storing anything."""
    patient = patient_for(db, actor, patient_id, Action.RECORD_INSTRUMENTS)
    _check_entry(time_point, completed_at, actor.at)
    scored = score(code, answers)
    return store(
        db, actor, patient, scored, time_point, completed_at, ResponseSource.CLINICIAN, None
    )


def _check_entry(time_point: str, completed_at: datetime, at: datetime) -> None:
    errors: dict[str, str] = {}
    if time_point not in {t.value for t in TimePoint}:
        errors["time_point"] = f"Choose one of: {', '.join(TimePoint)}."
    if completed_at > at:
        errors["completed_at"] = "The time cannot be in the future."
    if errors:
        raise ValidationFailed(errors)


def store(
    db: Session,
    actor: Actor,
    patient: Patient,
    scored: Score,
    time_point: str,
    completed_at: datetime,
    source: ResponseSource,
    portal_link_id: int | None,
    **detail: Any,
) -> InstrumentResponse:
    """Save a scored response and raise its safety alert, audited, in the caller's transaction."""
    row = InstrumentResponse(
        patient_id=patient.id,
        site_id=patient.site_id,
        instrument_code=scored.instrument_code,
        instrument_version=instrument(scored.instrument_code).version,
        answers=json.dumps(list(scored.answers)),
        total=Decimal(scored.total).quantize(CENTS),
        band=scored.band,
        flags=json.dumps(sorted(scored.flags)),
        time_point=time_point,
        completed_at=completed_at,
        entered_by_id=actor.staff_user_id,
        source=source.value,
        portal_link_id=portal_link_id,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor,
        AuditAction.CREATE,
        "instrument_response",
        row.id,
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"instrument": scored.instrument_code, **detail},
    )
    safety.raise_for(db, actor, row, scored, **detail)
    return row


def total_of(row: InstrumentResponse) -> Total:
    """The stored total as scoring gave it: an int, or a Decimal for mean-scored instruments."""
    total = Decimal(row.total)
    return int(total) if total == total.to_integral_value() else total


def answers_of(row: InstrumentResponse) -> list[int | None]:
    answers: list[int | None] = json.loads(row.answers)
    return answers


def flags_of(row: InstrumentResponse) -> frozenset[str]:
    return frozenset(json.loads(row.flags))


def responses_of(
    db: Session, actor: Actor, patient_id: int, code: str | None = None
) -> list[InstrumentResponse]:
    """A patient's responses, oldest first (all instruments, or just ``code``); audited read."""
    patient = patient_for(db, actor, patient_id, Action.READ_OUTCOMES)
    rows = _responses(db, patient.id, code)
    audit.record(
        db,
        actor,
        AuditAction.VIEW,
        "instrument_response",
        patient_id=patient.id,
        site_id=patient.site_id,
        detail={"instrument": code or "all", "count": len(rows)},
    )
    return rows


def _responses(db: Session, patient_id: int, code: str | None) -> list[InstrumentResponse]:
    query = select(InstrumentResponse).where(InstrumentResponse.patient_id == patient_id)
    if code is not None:
        query = query.where(InstrumentResponse.instrument_code == code)
    order = (InstrumentResponse.completed_at, InstrumentResponse.id)
    return list(db.scalars(query.order_by(*order)).all())


def trajectory(db: Session, actor: Actor, patient_id: int, code: str) -> Trajectory:
    """``code`` over time for one patient, classified against the baseline with the clinic's
    cut-offs. The baseline is the first response marked "baseline", else the first response."""
    rows = responses_of(db, actor, patient_id, code)
    patient = db.get(Patient, patient_id)
    assert patient is not None
    cutoffs = outcome_settings.cutoffs_for(db, patient.organization_id, code)
    base = _baseline_index(rows)
    baseline_total = None if base is None else total_of(rows[base])
    points = tuple(
        _point(row, None if base is None or i <= base else baseline_total, code, cutoffs)
        for i, row in enumerate(rows)
    )
    info = instrument(code)
    return Trajectory(
        code=code,
        name=info.name,
        total_range=info.total_range,
        points=points,
        baseline_total=baseline_total,
        response_line=None if baseline_total is None else response_line(baseline_total, cutoffs),
        remission_cutoff=cutoffs.remission_value,
        remission_text=cutoffs.remission_text,
        cutoffs=cutoffs,
        treatment_times=_treatment_times(db, patient.id),
    )


def _baseline_index(rows: Sequence[InstrumentResponse]) -> int | None:
    for i, row in enumerate(rows):
        if row.time_point == TimePoint.BASELINE:
            return i
    return 0 if rows else None


def _point(
    row: InstrumentResponse, baseline: Total | None, code: str, cutoffs: Cutoffs
) -> TrajectoryPoint:
    total = total_of(row)
    outcome = "" if baseline is None else classify(code, baseline, total, cutoffs=cutoffs)
    return TrajectoryPoint(row.id, row.completed_at, total, row.band, row.time_point, outcome)


def _treatment_times(db: Session, patient_id: int) -> tuple[datetime, ...]:
    """When each completed dosing treatment started, oldest first."""
    return tuple(
        db.scalars(
            select(Appointment.starts_at)
            .where(
                Appointment.patient_id == patient_id,
                Appointment.kind == AppointmentKind.TREATMENT,
                Appointment.status == AppointmentStatus.COMPLETED,
            )
            .order_by(Appointment.starts_at)
        ).all()
    )
