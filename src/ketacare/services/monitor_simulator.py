"""A simulated bedside monitor for the demo: synthetic vital signs for every treatment in dosing or
observation, sent as IHE PCD-01 style ORU^R01 messages over MLLP, one connection per chair.

The numbers are synthetic and only look plausible; they are no clinical model. Each patient gets a
steady baseline; blood pressure rises gently and peaks about 40 minutes after dosing starts (the
Yale series: mean +16 systolic / +11 diastolic mmHg at 40 min, clinical-reference §4.1
[YALE-BP]), some patients more than others; now and then SpO2 dips for a few readings, so a
clinic that has set an SpO2 limit sees alerts on the board. A chair with a point-of-care code is
named in PV1-3 the way gateways do; otherwise the message carries the patient's MRN in PID-3.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import LocationKind, TreatmentState, Vital
from ketacare.db.models import Location, Patient, Treatment
from ketacare.interop.hl7v2.ack import hl7_timestamp
from ketacare.interop.hl7v2.encoding import Encoding

STREAMED = (TreatmentState.DOSING, TreatmentState.OBSERVATION)
BP_PEAK_MIN = 40.0  # §4.1 [YALE-BP]: systolic and diastolic peaked at 40 min
BP_PEAK_RISE_MMHG = (16.0, 11.0)  # §4.1 [YALE-BP]: mean rise at the peak (systolic, diastolic)
BP_RISE_WIDTH_MIN = 20.0  # how broad the simulated rise is (synthetic shape)
NIBP_EVERY = 10  # a cuff reading every tenth message; the oximeter's every message
SPO2_DIP_CHANCE = 1 / 90  # per message, a dip of a few readings starts (synthetic)
SENDER = "KETACARE_SIM"
STANDARD = Encoding()
# Our vital -> IEEE 11073-10101 MDC code, reference id, unit code and name, OBX-4 sub-id.
MDC = {
    Vital.SPO2_PERCENT: ("150456", "MDC_PULS_OXIM_SAT_O2", "262688^MDC_DIM_PERCENT", "1.3.1"),
    Vital.HR_BPM: ("147842", "MDC_ECG_HEART_RATE", "264864^MDC_DIM_BEAT_PER_MIN", "1.7.1"),
    Vital.RR_PER_MIN: ("151562", "MDC_RESP_RATE", "264928^MDC_DIM_RESP_PER_MIN", "1.7.2"),
    Vital.SBP_MMHG: ("150301", "MDC_PRESS_CUFF_SYS", "266016^MDC_DIM_MMHG", "1.1.9"),
    Vital.DBP_MMHG: ("150302", "MDC_PRESS_CUFF_DIA", "266016^MDC_DIM_MMHG", "1.1.9"),
    Vital.MAP_MMHG: ("150303", "MDC_PRESS_CUFF_MEAN", "266016^MDC_DIM_MMHG", "1.1.9"),
}
CUFF = (Vital.SBP_MMHG, Vital.DBP_MMHG, Vital.MAP_MMHG)


@dataclass(frozen=True)
class Bed:
    """A treatment being monitored: its chair, how the monitor names it, and when dosing began."""

    treatment_id: int
    chair: str
    point_of_care: str | None
    mrn: str
    dosing_started_at: datetime | None


def beds(db: Session) -> list[Bed]:
    """Every treatment in dosing or observation that sits in a chair, in chair order."""
    rows = db.execute(
        select(Treatment, Location, Patient.mrn)
        .join(Location, Location.id == Treatment.location_id)
        .join(Patient, Patient.id == Treatment.patient_id)
        .where(
            Treatment.state.in_([s.value for s in STREAMED]),
            Location.kind == LocationKind.CHAIR.value,
        )
        .order_by(Location.site_id, Location.name)
    )
    return [
        Bed(t.id, chair.name, chair.point_of_care, mrn, t.dosing_started_at)
        for t, chair, mrn in rows
    ]


@dataclass
class SimulatedMonitor:
    """One chair's monitor: a baseline drawn from the treatment id, and the dip in progress."""

    bed: Bed
    rng: random.Random = field(init=False)
    baseline: dict[Vital, float] = field(init=False)
    surge: float = field(init=False)
    sent: int = 0
    dip_left: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.bed.treatment_id)  # noqa: S311  (repeatable fake data)
        r = self.rng
        self.baseline = {
            Vital.SBP_MMHG: r.uniform(108, 134),
            Vital.DBP_MMHG: r.uniform(66, 84),
            Vital.HR_BPM: r.uniform(62, 86),
            Vital.SPO2_PERCENT: r.uniform(96.5, 99.0),
            Vital.RR_PER_MIN: r.uniform(12, 17),
        }
        self.surge = r.uniform(0.5, 1.8)  # some patients rise more than the mean

    def next_values(self, at: datetime) -> dict[Vital, Decimal]:
        """The next message's values at ``at``: oximeter and respiration every time, the cuff
        every ``NIBP_EVERY`` messages (first message included)."""
        r, base = self.rng, self.baseline
        values = {
            Vital.SPO2_PERCENT: min(100.0, self._spo2(base[Vital.SPO2_PERCENT])),
            Vital.HR_BPM: base[Vital.HR_BPM] + r.gauss(0, 2.5),
            Vital.RR_PER_MIN: base[Vital.RR_PER_MIN] + r.gauss(0, 1.0),
        }
        if self.sent % NIBP_EVERY == 0:
            rise = self.surge * _bp_shape(self._minutes(at))
            sbp = base[Vital.SBP_MMHG] + BP_PEAK_RISE_MMHG[0] * rise + r.gauss(0, 3)
            dbp = base[Vital.DBP_MMHG] + BP_PEAK_RISE_MMHG[1] * rise + r.gauss(0, 2)
            values |= {
                Vital.SBP_MMHG: sbp,
                Vital.DBP_MMHG: dbp,
                Vital.MAP_MMHG: (sbp + 2 * dbp) / 3,
            }
        self.sent += 1
        return {vital: Decimal(round(value)) for vital, value in values.items()}

    def _spo2(self, usual: float) -> float:
        if self.dip_left == 0 and self.rng.random() < SPO2_DIP_CHANCE:
            self.dip_left = self.rng.randint(3, 6)
        if self.dip_left:
            self.dip_left -= 1
            return self.rng.uniform(86, 91)
        return usual + self.rng.gauss(0, 0.6)

    def _minutes(self, at: datetime) -> float:
        started = self.bed.dosing_started_at
        return 0.0 if started is None else (at - started).total_seconds() / 60


def _bp_shape(minutes: float) -> float:
    """0 at the start, 1 at the 40-minute peak, easing off after (a synthetic bell)."""
    return math.exp(-(((minutes - BP_PEAK_MIN) / BP_RISE_WIDTH_MIN) ** 2))


def oru_message(
    control_id: str,
    at: datetime,
    values: Mapping[Vital, Decimal],
    *,
    point_of_care: str | None = None,
    mrn: str = "",
    device: str = "",
) -> bytes:
    """An IHE PCD-01 style ORU^R01: PV1-3 names the chair when ``point_of_care`` is given, PID-3
    the patient when ``mrn`` is; cuff pressures are aperiodic rows, as monitors send them."""
    when = hl7_timestamp(at)
    esc = STANDARD.escaped
    sender = f"{SENDER}^{device}^EUI-64" if device else SENDER
    segments = [
        f"MSH|^~\\&|{sender}|KETACARE|||{when}||ORU^R01^ORU_R01|{esc(control_id)}|P|2.6|||AL|NE"
        "||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
        f"PID|||{esc(mrn)}^^^KETACARE^MR" if mrn else "PID|||",
        f"PV1||O|^^{esc(point_of_care)}" if point_of_care else "PV1||O",
        f"OBR|1|{esc(control_id)}^{SENDER}||182777000^monitoring of patient^SCT|||{when}",
    ]
    segments += _rows(values, when)
    return ("\r".join(segments) + "\r").encode("utf-8")


def _rows(values: Mapping[Vital, Decimal], when: str) -> Sequence[str]:
    rows = []
    for number, (vital, value) in enumerate(values.items(), start=1):
        code, name, unit, sub_id = MDC[vital]
        mode = "|||^APERIODIC" if vital in CUFF else ""
        rows.append(
            f"OBX|{number}|NM|{code}^{name}^MDC|{sub_id}.{code}|{value}|{unit}^MDC|||||R|||{when}"
            + mode
        )
    return rows
