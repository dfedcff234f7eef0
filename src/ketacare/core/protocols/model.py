"""What a protocol is: a named dosing regimen kept as data, every value with where it comes from.

A value the clinical reference gives is ``Sourced`` (value plus source keys). A value it does not
give is a ``ClinicDefault``: a starting point, or ``None`` when ketacare must not guess, with a note
saying why. Nothing here is shown to staff as a sourced fact unless it is ``Sourced``. A protocol
checks itself on construction, so a clinic's copy that breaks a bound cannot exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any, Generic, Literal, TypeVar

from ketacare.core.errors import KetacareError

T = TypeVar("T")

DoseKind = Literal["mg_per_kg", "fixed_mg", "mg_per_kg_per_h"]
WeightBasis = Literal["actual", "ideal", "adjusted"]
Route = Literal["intranasal", "intravenous", "intramuscular", "oral"]
PhaseName = Literal["induction", "maintenance"]
CheckpointAt = int | Literal["before_dose", "before_discharge"]
Until = Literal["end_of_infusion", "stable", "before_discharge"]

UNIT_OF: Mapping[DoseKind, str] = {
    "mg_per_kg": "mg/kg",
    "fixed_mg": "mg",
    "mg_per_kg_per_h": "mg/kg/h",
}
NO_AUTHORITATIVE_THRESHOLD = "clinic policy — no authoritative number (§4.2, §13 item 4)"


class InvalidProtocol(KetacareError):
    """A protocol whose values contradict each other (bounds out of order, an empty phase, ...)."""


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A value the clinical reference gives; ``source`` holds its keys (``[SINGH] [DUNLOP]``)."""

    value: T
    source: str


@dataclass(frozen=True)
class ClinicDefault(Generic[T]):
    """A value the reference does not give: the clinic sets it. ``None`` means "must be set"."""

    value: T | None
    note: str


Setting = Sourced[T] | ClinicDefault[T]


def value_of(setting: Setting[T] | None) -> T | None:
    """The bare value of a setting, ``None`` when absent or not yet set by the clinic."""
    return None if setting is None else setting.value


@dataclass(frozen=True)
class DoseRule:
    """How a dose is expressed and its bounds. Outside min..max needs a second signature
    (§1.1 software rule); above ``cap`` needs a prescriber override with a reason."""

    kind: DoseKind
    default: Setting[Decimal]
    min: Setting[Decimal]
    max: Setting[Decimal]
    cap: Setting[Decimal]
    weight_basis: Setting[WeightBasis] | None = None
    allowed: Sourced[tuple[Decimal, ...]] | None = None
    first_dose: Sourced[Decimal] | None = None

    @property
    def unit(self) -> str:
        return UNIT_OF[self.kind]

    def check(self, label: str) -> None:
        """Raise InvalidProtocol unless min <= default <= max <= cap (unset values skipped)."""
        named = [("min", self.min), ("default", self.default), ("max", self.max), ("cap", self.cap)]
        known = [(name, v) for name, s in named if (v := value_of(s)) is not None]
        unit = self.unit
        for (low_name, low), (high_name, high) in pairwise(known):
            if low > high:
                raise InvalidProtocol(
                    f"{label}: {low_name} {low} {unit} is above {high_name} {high} {unit}."
                )
        if any(v <= 0 for _, v in known):
            raise InvalidProtocol(f"{label}: doses must be above 0 {self.unit}.")
        cap = value_of(self.cap)
        if self.allowed is not None and cap is not None and max(self.allowed.value) > cap:
            raise InvalidProtocol(f"{label}: an allowed dose is above the cap {cap} {self.unit}.")


@dataclass(frozen=True)
class TotalDoseFloor:
    """A minimum total dose over a minimum time (pain: at least 80 mg over > 2 h [COHEN-GC])."""

    total_mg: Decimal
    over_more_than_min: int
    source: str


@dataclass(frozen=True)
class Device:
    """A single-use device: mg per device and the rest between devices (§3.3)."""

    mg_per_device: Sourced[int]
    rest_between_devices_min: Sourced[int]


@dataclass(frozen=True)
class WeeklyBlock:
    """``per_week`` treatments in each of course weeks ``first_week..last_week`` (None: open-ended),
    every ``every_n_weeks`` weeks. Week 1 starts on the course's first day."""

    first_week: int
    last_week: int | None
    per_week: Setting[int]
    every_n_weeks: Setting[int]

    def check(self, label: str) -> None:
        per_week, every = value_of(self.per_week), value_of(self.every_n_weeks)
        if self.first_week < 1 or (self.last_week is not None and self.last_week < self.first_week):
            raise InvalidProtocol(f"{label}: weeks {self.first_week}..{self.last_week} are empty.")
        if per_week is None or not 1 <= per_week <= 7:
            raise InvalidProtocol(f"{label}: treatments per week must be 1-7; got {per_week}.")
        if every is None or every < 1:
            raise InvalidProtocol(f"{label}: a block repeats every 1 week or more; got {every}.")


@dataclass(frozen=True)
class ByReview:
    """No fixed calendar: the prescriber decides the schedule at review (why: ``note``)."""

    note: str


@dataclass(frozen=True)
class Phase:
    """One phase of a course and its calendar, capped at ``max_treatments`` when set."""

    name: PhaseName
    schedule: tuple[WeeklyBlock, ...] | ByReview
    max_treatments: Setting[int]
    source: str

    def check(self, label: str) -> None:
        where = f"{label} {self.name}"
        if isinstance(self.schedule, tuple):
            if not self.schedule:
                raise InvalidProtocol(f"{where}: a weekly schedule needs at least one block.")
            for block in self.schedule:
                block.check(where)
        most = value_of(self.max_treatments)
        if most is not None and most < 1:
            raise InvalidProtocol(f"{where}: the maximum number of treatments must be 1 or more.")


@dataclass(frozen=True)
class Checkpoint:
    """A monitoring point: ``at`` minutes after the dose starts, or before dose / discharge;
    repeated every ``every_min`` minutes until ``until`` when those are set."""

    name: str
    at: CheckpointAt
    what: str
    source: str
    every_min: int | None = None
    until: Until | None = None


@dataclass(frozen=True)
class Range:
    """Alert limits for one vital sign; either side may be open."""

    low: Decimal | None
    high: Decimal | None


@dataclass(frozen=True)
class PreCheck:
    """Something confirmed before dosing, by code, with the reason and its source."""

    code: str
    text: str
    source: str


@dataclass(frozen=True)
class Protocol:
    """A dosing regimen as data. ``code`` matches the screening protocol codes; ``version`` is
    kept by every course that used it."""

    code: str
    version: int
    name: str
    route: Route
    dose_rule: DoseRule
    infusion_duration_min: Setting[int] | None
    min_interval_hours: Setting[int]
    phases: tuple[Phase, ...]
    min_observation_min: Setting[int]
    monitoring_checkpoints: tuple[Checkpoint, ...]
    alert_thresholds: Mapping[str, Setting[Range]]
    instruments_due: Setting[Mapping[str, tuple[str, ...]]]
    pre_checks: tuple[PreCheck, ...]
    sources: tuple[str, ...]
    bolus: DoseRule | None = None
    total_floor: TotalDoseFloor | None = None
    device: Device | None = None
    prescriber_on_site: Setting[bool] = ClinicDefault(
        False, "clinic policy: the reference requires a prescriber on site only for esketamine"
    )
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        self.dose_rule.check(f"{self.code} dose")
        if self.bolus is not None:
            self.bolus.check(f"{self.code} bolus")
        for phase in self.phases:
            phase.check(self.code)
        names = [phase.name for phase in self.phases]
        if len(set(names)) != len(names):
            raise InvalidProtocol(f"{self.code}: each phase may appear once; got {names}.")
        self._check_times()

    def _check_times(self) -> None:
        duration = value_of(self.infusion_duration_min)
        if duration is not None and duration <= 0:
            raise InvalidProtocol(f"{self.code}: the infusion duration must be above 0 min.")
        floor = self.total_floor
        if floor is not None and duration is not None and duration <= floor.over_more_than_min:
            raise InvalidProtocol(
                f"{self.code}: the infusion must run longer than {floor.over_more_than_min} min."
            )
        for name, setting in (
            ("minimum interval", self.min_interval_hours),
            ("observation time", self.min_observation_min),
        ):
            if (v := value_of(setting)) is not None and v < 0:
                raise InvalidProtocol(f"{self.code}: the {name} cannot be negative.")

    def phase(self, name: str) -> Phase:
        for phase in self.phases:
            if phase.name == name:
                return phase
        known = ", ".join(p.name for p in self.phases)
        raise InvalidProtocol(f"{self.code} has no phase {name!r}; its phases are: {known}.")

    def unset(self) -> tuple[str, ...]:
        """Names of the values the clinic must still set before the protocol can be used."""
        rule = self.dose_rule
        candidates: list[tuple[str, Sourced[Any] | ClinicDefault[Any] | None]] = [
            ("dose default", rule.default),
            ("dose min", rule.min),
            ("dose max", rule.max),
            ("dose cap", rule.cap),
            ("minimum interval", self.min_interval_hours),
            ("observation time", self.min_observation_min),
        ]
        if self.infusion_duration_min is not None:
            candidates.append(("infusion duration", self.infusion_duration_min))
        return tuple(name for name, s in candidates if s is not None and s.value is None)

    @property
    def requires_clinic_configuration(self) -> bool:
        """True while any value the treatment workflow needs is unset (see ``unset``)."""
        return bool(self.unset())
