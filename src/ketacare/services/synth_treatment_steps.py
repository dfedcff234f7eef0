"""The steps of one demo treatment, each through the treatment services at its own minute.

Times count from check-in: baseline vitals at 2 minutes, the order at 4, the pre-checks at 5,
clearing at 8, the dose from 10 (an infusion over the protocol's time, or esketamine's devices five
minutes apart, clinical-reference §3.3), then observation for the protocol's minimum. Vitals are
typed every 10 minutes while dosing and every 15 after, never later than now; blood pressure rises
towards 40 minutes after the dose starts and settles after (§4.1 [YALE-BP]: mean +16/+11 mmHg at
40 minutes). Synthetic data only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from ketacare.core.enums import CheckStatus, TreatmentState
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.core.protocols.timing import dosing_minutes
from ketacare.core.treatment_guards import ELIGIBILITY_CHECK, ESCORT_CHECK
from ketacare.db.models import Course, ProtocolVersion, Treatment
from ketacare.services import protocols as protocol_store
from ketacare.services import (
    treatment_administration,
    treatment_checks,
    treatment_discharge,
    treatment_dosing,
    treatment_records,
    treatments,
)
from ketacare.services.context import Actor
from ketacare.services.treatment_administration import AdministrationRequest
from ketacare.services.treatment_discharge import CRITERIA, DischargeRequest
from ketacare.services.treatment_dosing import DoseRequest
from ketacare.services.treatment_facts import INSTRUMENTS_WAIVED, latest_order
from ketacare.services.treatment_records import AdverseEventRequest, InterventionRequest

ActorAt = Callable[[datetime], Actor]
DOSE_STARTS_MIN = 10
PEAK_MIN = 40  # §4.1 [YALE-BP]: blood pressure peaks about 40 minutes after the dose starts
ESCORTS = ("Sam (partner)", "Jo (sister)", "Alex (friend)", "Robin (son)")
FULL_MARKS = {"activity": 2, "respiration": 2, "circulation": 2, "consciousness": 2, "spo2": 2}


class Steps:
    """One treatment's demo timeline from its check-in at ``start``, up to ``now``."""

    def __init__(
        self,
        db: Session,
        rng: random.Random,
        nurse: ActorAt,
        prescriber: ActorAt,
        start: datetime,
        now: datetime,
    ) -> None:
        self.db, self.rng, self.nurse, self.prescriber = db, rng, nurse, prescriber
        self.start, self.now = start, now
        self.base = {
            "sbp_mmhg": rng.randint(112, 134),
            "dbp_mmhg": rng.randint(68, 84),
            "hr_bpm": rng.randint(62, 84),
            "spo2_percent": rng.randint(96, 99),
            "rr_per_min": rng.randint(12, 16),
        }
        self.dosing_from: datetime | None = None

    def at(self, minute: int) -> datetime:
        return self.start + timedelta(minutes=minute)

    def protocol_of(self, course: Course) -> Protocol:
        version = self.db.get(ProtocolVersion, course.protocol_version_id)
        assert version is not None
        return protocol_store.load(version)

    def baseline(self, treatment: Treatment) -> None:
        self._vitals(treatment, self.at(2))

    def order_and_checks(self, treatment: Treatment, protocol: Protocol) -> None:
        bag = DoseRequest(stock_mg_per_ml=Decimal(50), bag_ml=Decimal(100))
        wanted = bag if protocol.route == "intravenous" else DoseRequest()
        if protocol.dose_rule.kind == "mg_per_kg_per_h":
            wanted = DoseRequest(concentration_mg_per_ml=Decimal(1))
        treatment_dosing.order_dose(self.db, self.prescriber(self.at(4)), treatment.id, wanted)
        nurse = self.nurse(self.at(5))
        for check in protocol.pre_checks:
            if check.code not in (ELIGIBILITY_CHECK, ESCORT_CHECK):
                self._check(nurse, treatment, check.code, CheckStatus.CONFIRMED)
        escort = self.rng.choice(ESCORTS)
        self._check(nurse, treatment, ESCORT_CHECK, CheckStatus.CONFIRMED, value=escort)
        note = "Completed on paper at the desk; entered after the visit."
        self._check(nurse, treatment, INSTRUMENTS_WAIVED, CheckStatus.WAIVED, note=note)

    def _check(
        self, actor: Actor, treatment: Treatment, code: str, status: str, **extra: str
    ) -> None:
        treatment_checks.record_check(self.db, actor, treatment.id, code, status, **extra)

    def clear(self, treatment: Treatment) -> None:
        treatments.advance(self.db, self.nurse(self.at(8)), treatment.id, TreatmentState.CLEARED)

    def start_dosing(self, treatment: Treatment, protocol: Protocol) -> None:
        """The lot and the start; esketamine's next devices five minutes apart (§3.3)."""
        self.dosing_from = self.at(DOSE_STARTS_MIN)
        product = treatment_administration.PRODUCTS[protocol.route]
        lot = f"DEMO{self.rng.randint(1000, 9999)}"
        expiry = (self.start + timedelta(days=self.rng.randint(90, 500))).date()
        given = AdministrationRequest(product, lot, expiry, self.dosing_from)
        treatment_administration.start(self.db, self.nurse(self.dosing_from), treatment.id, given)
        order = latest_order(self.db, treatment.id)
        assert order is not None
        rest = protocol.device.rest_between_devices_min.value if protocol.device else 0
        for number in range(2, (order.devices or 1) + 1):
            at = self.dosing_from + timedelta(minutes=rest * (number - 1))
            if at <= self.now:
                self._event(treatment, "device", at)
        ends = self._dosing_ends(protocol, order.dose_mg)
        self._series(treatment, self.dosing_from + timedelta(minutes=10), ends, 10)

    def _dosing_ends(self, protocol: Protocol, dose_mg: Decimal) -> datetime:
        assert self.dosing_from is not None
        return self.dosing_from + timedelta(minutes=dosing_minutes(protocol, dose_mg))

    def end_dosing(self, treatment: Treatment, protocol: Protocol) -> None:
        """The pump stops (or the last device is given): observation starts."""
        order = latest_order(self.db, treatment.id)
        assert order is not None
        self._event(treatment, "stop", self._dosing_ends(protocol, order.dose_mg))

    def _signed_off_at(self, treatment: Treatment, protocol: Protocol) -> datetime:
        """Two minutes after the protocol's minimum observation."""
        began = treatment.observation_started_at
        assert began is not None
        least = value_of(protocol.min_observation_min) or 0
        return began + timedelta(minutes=least + 2)

    def observe(self, treatment: Treatment, protocol: Protocol, with_intervention: bool) -> None:
        """Vitals every 15 minutes until sign-off (or now); the one intervention of the day."""
        began = treatment.observation_started_at
        assert began is not None
        until = self._signed_off_at(treatment, protocol)
        self._series(treatment, began + timedelta(minutes=5), until, 15)
        if with_intervention and began + timedelta(minutes=10) <= self.now:
            given = InterventionRequest(
                "Ondansetron", Decimal(4), "mg", "IV", "Nausea", began + timedelta(minutes=10)
            )
            nurse = self.nurse(began + timedelta(minutes=10))
            treatment_records.record_intervention(self.db, nurse, treatment.id, given)

    def sign_off(self, treatment: Treatment, protocol: Protocol, with_event: bool) -> None:
        """The discharge assessment and sign-off once the protocol's minimum has passed."""
        done = self._signed_off_at(treatment, protocol)
        if with_event and self.dosing_from is not None:
            onset = self.dosing_from + timedelta(minutes=15)
            event = AdverseEventRequest(
                "dissociation", 1, "resolved", False, "Felt detached; reassured.",
                "Reduced stimulation", onset, onset + timedelta(minutes=30),
            )  # fmt: skip
            treatment_records.record_adverse_event(self.db, self.nurse(done), treatment.id, event)
        ticked = DischargeRequest(dict.fromkeys(CRITERIA, True), aldrete=FULL_MARKS)
        treatment_discharge.assess(self.db, self.nurse(done), treatment.id, ticked)
        treatment_discharge.sign_off(self.db, self.nurse(done), treatment.id)

    def discharge(self, treatment: Treatment) -> None:
        ready = treatment.ready_at
        assert ready is not None
        treatment_discharge.discharge(
            self.db, self.nurse(ready + timedelta(minutes=5)), treatment.id
        )

    def _event(self, treatment: Treatment, kind: str, at: datetime) -> None:
        treatment_administration.record_event(self.db, self.nurse(at), treatment.id, kind, at)

    def _series(self, treatment: Treatment, first: datetime, until: datetime, every: int) -> None:
        at = first
        while at <= until and at <= self.now:
            self._vitals(treatment, at)
            at += timedelta(minutes=every)

    def _vitals(self, treatment: Treatment, at: datetime) -> None:
        """One typed line; blood pressure follows the rise towards 40 minutes after dosing."""
        since = (at - self.dosing_from).total_seconds() / 60 if self.dosing_from else None
        rise = 0.0 if since is None else max(0.0, 1 - abs(since - PEAK_MIN) / 60)
        jitter = self.rng.randint
        values = {
            "sbp_mmhg": self.base["sbp_mmhg"] + round(16 * rise) + jitter(-3, 3),
            "dbp_mmhg": self.base["dbp_mmhg"] + round(11 * rise) + jitter(-2, 2),
            "hr_bpm": self.base["hr_bpm"] + jitter(-4, 4),
            "spo2_percent": min(100, self.base["spo2_percent"] + jitter(-1, 1)),
            "rr_per_min": self.base["rr_per_min"] + jitter(-1, 1),
        }
        line = {code: Decimal(value) for code, value in values.items()}
        treatment_records.record_readings(self.db, self.nurse(at), treatment.id, line, at)
