"""What the record says about one treatment, as the core state machine's ``Facts``.

``facts_for`` reads everything a transition guard looks at: the eligibility decision and consent
for the protocol (issue 4), the order, the baseline vitals against the clinic's pre-dose hold
limits, the latest of each treatment check, the pre-dose instruments, the pregnancy test and REMS
enrolment where they apply, the administration, the observation clock, the discharge assessment
and the open act-level alerts. The guards themselves live in ``core/treatment_guards.py``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ketacare.core.enums import CheckStatus, Eligibility, VitalAlertLevel
from ketacare.core.instruments import INSTRUMENTS
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.protocols.orders import check_order_dose
from ketacare.core.treatments import AdministrationFacts, DischargeFacts, Facts
from ketacare.core.vitals.alerts import pre_dose_hold
from ketacare.core.vitals.model import Reading as CoreReading
from ketacare.core.vitals.model import latest_usable
from ketacare.db.models import (
    Administration,
    DischargeAssessment,
    DoseOrder,
    InstrumentResponse,
    ProtocolVersion,
    Reading,
    RemsEnrolment,
    Site,
    Treatment,
    TreatmentCheck,
    VitalAlert,
)
from ketacare.services import consent, eligibility, vital_alerts
from ketacare.services import protocols as protocol_store
from ketacare.services.context import Actor

# Check codes beyond the protocol's own pre-checks (the requirement codes of core guards).
HOLD_OVERRIDE = "pre_dose_hold"  # a prescriber's override of the pre-dose hold, reason in note
INSTRUMENTS_WAIVED = "instruments"  # the pre-dose instruments waived, reason in note
PREGNANCY_TEST = "pregnancy_test"  # value "negative" or "positive"
REMS_PRE_CHECK = "rems_setting"  # the esketamine protocol's REMS pre-check (§3.9 [REMS-FDA])
BEFORE_TREATMENT = "before_treatment"  # the protocol's instruments due before each treatment
OPEN_ACT_LEVELS = (VitalAlertLevel.ACT, VitalAlertLevel.EMERGENCY)


def facts_for(
    db: Session, treatment: Treatment, now: datetime, *, actor: Actor | None = None
) -> Facts:
    """The facts of ``treatment`` at ``now``. The eligibility read is audited for ``actor``
    (the system when None)."""
    protocol = protocol_of(db, treatment)
    checks = latest_checks(db, treatment.id)
    hold = _hold(db, treatment)
    return Facts(
        now=now,
        treatment_on=treatment_day(db, treatment),
        eligibility_current=_eligible(db, treatment, actor or Actor(None, now)),
        consent_valid=consent.has_valid_consent(
            db, treatment.patient_id, _screening(db, treatment)
        ),
        order_exists=_order_signed(db, treatment, protocol),
        baseline=hold[0],
        hold_breaches=hold[1],
        hold_override_reason=_note_if(checks.get(HOLD_OVERRIDE), CheckStatus.WAIVED),
        protocol_checks={p.code: p.text for p in protocol.pre_checks},
        checks={code: CheckStatus(row.status) for code, row in checks.items()},
        instruments_pending=_pending(db, treatment, protocol, checks),
        pregnancy_test_required=PREGNANCY_TEST in {p.code for p in protocol.pre_checks},
        pregnancy_test_positive=_pregnancy(checks.get(PREGNANCY_TEST)),
        rems_required=REMS_PRE_CHECK in {p.code for p in protocol.pre_checks},
        rems_enrolled=_enrolled(db, treatment.patient_id),
        administration=_administration(db, treatment.id),
        observation_started_at=treatment.observation_started_at,
        min_observation_min=value_of(protocol.min_observation_min),
        discharge=_discharge(db, treatment),
        open_act_alerts=open_act_alerts(db, treatment.id),
        abort_reason=treatment.abort_reason,
    )


def protocol_of(db: Session, treatment: Treatment) -> Protocol:
    return protocol_store.load(version_of(db, treatment))


def version_of(db: Session, treatment: Treatment) -> ProtocolVersion:
    version = db.get(ProtocolVersion, treatment.protocol_version_id)
    assert version is not None
    return version


def _screening(db: Session, treatment: Treatment) -> str:
    return protocol_store.screening_code(version_of(db, treatment))


def treatment_day(db: Session, treatment: Treatment) -> date:
    """The treatment's day at its site (lots are usable through their expiry date)."""
    site = db.get(Site, treatment.site_id)
    assert site is not None
    day_of = treatment.checked_in_at or treatment.created_at
    return day_of.astimezone(ZoneInfo(site.timezone)).date()


def _eligible(db: Session, treatment: Treatment, actor: Actor) -> bool:
    decision = eligibility.current_decision(
        db, actor, treatment.patient_id, _screening(db, treatment)
    )
    return decision is not None and decision.decision != Eligibility.NOT_ELIGIBLE


def latest_order(db: Session, treatment_id: int) -> DoseOrder | None:
    return db.scalar(
        select(DoseOrder)
        .where(DoseOrder.treatment_id == treatment_id)
        .order_by(DoseOrder.ordered_at.desc(), DoseOrder.id.desc())
        .limit(1)
    )


def _order_signed(db: Session, treatment: Treatment, protocol: Protocol) -> bool:
    """An order stands once it has every signature it needs: a dose outside the protocol's
    min..max waits for a second prescriber (clinical-reference §1.1 software rule)."""
    order = latest_order(db, treatment.id)
    return order is not None and not awaiting_second_signature(protocol, order)


def cap_of(protocol: Protocol) -> Decimal | None:
    return value_of(protocol.dose_rule.cap)


def above_cap(protocol: Protocol, dose: Decimal) -> bool:
    cap = cap_of(protocol)
    return cap is not None and dose > cap


def needs_second_signature(protocol: Protocol, order: DoseOrder) -> bool:
    """True when the dose is outside the protocol's min..max (above the cap is above the max)."""
    if above_cap(protocol, order.dose):
        return True
    return bool(check_order_dose(protocol, order.dose))


def awaiting_second_signature(protocol: Protocol, order: DoseOrder) -> bool:
    return needs_second_signature(protocol, order) and order.second_signature_by_id is None


def administration_of(db: Session, treatment_id: int) -> Administration | None:
    return db.scalar(
        select(Administration)
        .where(Administration.treatment_id == treatment_id)
        .order_by(Administration.id.desc())
        .limit(1)
    )


def latest_checks(db: Session, treatment_id: int) -> dict[str, TreatmentCheck]:
    """The latest row of each check code (a correction is a new row)."""
    rows = db.scalars(
        select(TreatmentCheck)
        .where(TreatmentCheck.treatment_id == treatment_id)
        .order_by(TreatmentCheck.at, TreatmentCheck.id)
    )
    return {row.code: row for row in rows}


def _note_if(row: TreatmentCheck | None, status: CheckStatus) -> str:
    return row.note if row is not None and row.status == status else ""


def readings_of(db: Session, treatment_id: int) -> list[Reading]:
    return list(
        db.scalars(
            select(Reading)
            .where(Reading.treatment_id == treatment_id)
            .order_by(Reading.observed_at, Reading.id)
        )
    )


def as_core(row: Reading) -> CoreReading:
    return CoreReading(row.vital, row.value, row.observed_at, row.valid)


def baseline_readings(db: Session, treatment: Treatment) -> list[CoreReading]:
    """The readings taken before dosing began (all of them while it has not)."""
    until = treatment.dosing_started_at
    return [
        as_core(row)
        for row in readings_of(db, treatment.id)
        if until is None or row.observed_at <= until
    ]


def _hold(db: Session, treatment: Treatment) -> tuple[dict[str, datetime], tuple[str, ...]]:
    """When each baseline vital was last taken, and the sentences of any pre-dose hold breach."""
    before = baseline_readings(db, treatment)
    taken = {vital: r.observed_at for vital, r in latest_usable(before).items()}
    breaches = pre_dose_hold(before, vital_alerts.threshold_profile(db, treatment))
    return taken, tuple(b.message for b in breaches)


def _pending(
    db: Session, treatment: Treatment, protocol: Protocol, checks: dict[str, TreatmentCheck]
) -> tuple[str, ...]:
    """The instruments due before treatment not completed on the treatment's day, unless waived."""
    if INSTRUMENTS_WAIVED in checks and checks[INSTRUMENTS_WAIVED].status == CheckStatus.WAIVED:
        return ()
    due = (value_of(protocol.instruments_due) or {}).get(BEFORE_TREATMENT, ())
    done = {code for code, _ in responses_on_day(db, treatment)}
    return tuple(
        INSTRUMENTS[code].name if code in INSTRUMENTS else code for code in due if code not in done
    )


def responses_on_day(db: Session, treatment: Treatment) -> set[tuple[str, str]]:
    """(instrument code, time point) of each response the patient completed on the treatment's
    day (site time)."""
    site = db.get(Site, treatment.site_id)
    assert site is not None
    zone = ZoneInfo(site.timezone)
    day = treatment_day(db, treatment)
    rows = db.execute(
        select(
            InstrumentResponse.instrument_code,
            InstrumentResponse.time_point,
            InstrumentResponse.completed_at,
        ).where(InstrumentResponse.patient_id == treatment.patient_id)
    ).all()
    return {(code, point) for code, point, at in rows if at.astimezone(zone).date() == day}


def _pregnancy(row: TreatmentCheck | None) -> bool | None:
    if row is None or row.value not in ("positive", "negative"):
        return None
    return row.value == "positive"


def _enrolled(db: Session, patient_id: int) -> bool:
    found = db.scalar(select(RemsEnrolment.id).where(RemsEnrolment.patient_id == patient_id))
    return found is not None


def _administration(db: Session, treatment_id: int) -> AdministrationFacts | None:
    row = administration_of(db, treatment_id)
    if row is None:
        return None
    return AdministrationFacts(row.lot_number, row.lot_expiry, row.started_at, row.ended_at)


def latest_assessment(db: Session, treatment_id: int) -> DischargeAssessment | None:
    return db.scalar(
        select(DischargeAssessment)
        .where(DischargeAssessment.treatment_id == treatment_id)
        .order_by(DischargeAssessment.signed_at.desc(), DischargeAssessment.id.desc())
        .limit(1)
    )


def criteria_of(row: DischargeAssessment) -> dict[str, bool]:
    found: dict[str, bool] = json.loads(row.criteria)
    return found


def _discharge(db: Session, treatment: Treatment) -> DischargeFacts:
    row = latest_assessment(db, treatment.id)
    if row is None:
        return DischargeFacts()
    met = criteria_of(row)
    return DischargeFacts(
        vitals_within_limits=met.get("vitals_within_limits", False),
        alert_and_oriented=met.get("alert_and_oriented", False),
        nausea_controlled=met.get("nausea_controlled", False),
        escort_present=met.get("escort_present", False),
        aldrete_total=row.aldrete_total,
        padss_total=row.padss_total,
        signed_off=row.signed_by_id is not None,
        instructions_given=row.instructions_given,
    )


def open_act_alerts(db: Session, treatment_id: int) -> int:
    """Act-level and emergency alerts of the treatment nobody has acknowledged yet."""
    count = db.scalar(
        select(func.count(VitalAlert.id)).where(
            VitalAlert.treatment_id == treatment_id,
            VitalAlert.level.in_(OPEN_ACT_LEVELS),
            VitalAlert.acknowledged_at.is_(None),
        )
    )
    return count or 0
