"""What the record answers on the REMS Patient Monitoring Form (clinical-reference §3.9
[REMS-PMF]): the duration of monitoring, the three blood pressures and the readings they come
from, the concomitant medication classes, the dose, and the adverse events with their resolution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ketacare.core.rems.form import CONCOMITANT, NO, REMS_EVENTS, YES

BP_CHECK_AFTER_MIN = 40  # §3.4, §3.9: blood pressure 40 min after administration [REMS-PMF]
SBP, DBP = "sbp_mmhg", "dbp_mmhg"  # the vital codes of core/enums.Vital


def duration_min(first_device_at: datetime, end_at: datetime) -> int | None:
    """Whole minutes from the first device to the end of monitoring, rounded down (119 min 59 s
    is not yet the 2 hours the form asks for); None when the end comes before the start."""
    if end_at < first_device_at:
        return None
    return int((end_at - first_device_at).total_seconds() // 60)


def minutes_after(start: datetime, at: datetime) -> int:
    """Whole minutes from ``start`` to ``at`` (negative before it), rounded toward ``start``."""
    seconds = (at - start).total_seconds()
    return int(seconds // 60) if seconds >= 0 else -int(-seconds // 60)


def concomitant(drug_classes: Iterable[str] | None) -> dict[str, str]:
    """The medication answers from the intake's medication classes; none when the list is unknown
    (None), so staff answer them."""
    if drug_classes is None:
        return {}
    taken = set(drug_classes)
    return {key: YES if cls in taken else NO for key, cls in CONCOMITANT.items()}


def sex_answer(sex_at_birth: str) -> str:
    """The form offers male, female and other [REMS-PMF]; an unknown sex is left for staff."""
    return {"female": "female", "male": "male", "intersex": "other"}.get(sex_at_birth, "")


def dose_answer(dose_mg: Decimal) -> dict[str, str]:
    """56 mg, 84 mg, or "other" with the mg [REMS-PMF] (28 mg per device, §3.3)."""
    for choice in ("56", "84"):
        if dose_mg == Decimal(choice):
            return {"dose": choice}
    return {"dose": "other", "dose_other_mg": f"{dose_mg.normalize():f}"}


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name from a full name: the last word is the last name."""
    words = full_name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return " ".join(words[:-1]), words[-1]


@dataclass(frozen=True)
class Event:
    """An adverse event of the treatment: its category and whether it has resolved."""

    category: str
    resolved: bool


def event_answers(events: Iterable[Event]) -> dict[str, str]:
    """Each REMS event experienced or not, resolved or not (all of its events resolved), and every
    other event named with its resolution."""
    seen: dict[str, list[bool]] = {}
    for event in events:
        seen.setdefault(event.category, []).append(event.resolved)
    answers = {}
    for category in REMS_EVENTS:
        answers[category] = YES if category in seen else NO
        if category in seen:
            answers[f"{category}_resolved"] = YES if all(seen[category]) else NO
    others = [
        f"{category.replace('_', ' ')} ({'resolved' if all(done) else 'not resolved'})"
        for category, done in seen.items()
        if category not in REMS_EVENTS
    ]
    answers["other_events"] = "; ".join(others)
    return answers


@dataclass(frozen=True)
class Observation:
    """One valid reading (callers drop invalid ones): a vital code, its value and time."""

    vital: str
    value: Decimal
    at: datetime


@dataclass(frozen=True)
class BloodPressure:
    """A systolic and diastolic reading taken at the same time."""

    at: datetime
    sbp_mmhg: Decimal
    dbp_mmhg: Decimal

    @property
    def text(self) -> str:
        """As the form writes it, in whole mmHg (half up): "128/82"."""
        whole = [v.quantize(Decimal(1), ROUND_HALF_UP) for v in (self.sbp_mmhg, self.dbp_mmhg)]
        return f"{whole[0]:f}/{whole[1]:f}"


def blood_pressures(observations: Iterable[Observation]) -> list[BloodPressure]:
    """Systolic and diastolic readings paired by time (a cuff gives both at once), in time order;
    a time with only one of them gives no pair."""
    by_time: dict[datetime, dict[str, Decimal]] = {}
    for seen in observations:
        if seen.vital in (SBP, DBP):
            by_time.setdefault(seen.at, {})[seen.vital] = seen.value
    pairs = [
        BloodPressure(at, values[SBP], values[DBP])
        for at, values in by_time.items()
        if SBP in values and DBP in values
    ]
    return sorted(pairs, key=lambda p: p.at)


@dataclass(frozen=True)
class Checkpoints:
    """The readings the form's three blood pressures come from (None: none fits)."""

    before: BloodPressure | None
    after_40_min: BloodPressure | None
    at_end: BloodPressure | None


def checkpoints(
    pressures: Iterable[BloodPressure], first_device_at: datetime, end_at: datetime | None
) -> Checkpoints:
    """Before administration: the last pair at or before the first device. At 40 min: the pair
    after the first device nearest to 40 min (the earlier on a tie). Before completion: the last
    pair up to the end of monitoring, later than the 40-min one; none while monitoring goes on."""
    ordered = sorted(pressures, key=lambda p: p.at)
    before = [p for p in ordered if p.at <= first_device_at]
    after = [p for p in ordered if p.at > first_device_at and (end_at is None or p.at <= end_at)]
    target = first_device_at + timedelta(minutes=BP_CHECK_AFTER_MIN)
    forty = min(after, key=lambda p: (abs(p.at - target), p.at), default=None)
    later = [p for p in after if forty is not None and p.at > forty.at]
    at_end = later[-1] if later and end_at is not None else None
    return Checkpoints(before[-1] if before else None, forty, at_end)
