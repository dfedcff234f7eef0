"""The values of a protocol a clinic may change, each under a stable field name.

Field names are a stable API shared by the edit form, ``adjust`` and the audit trail:
``name``, ``dose.min|default|max|cap``, ``dose.weight_basis``, ``bolus.min|default``,
``infusion_duration_min``, ``min_interval_hours``, ``min_observation_min``,
``phase.<phase>.max_treatments``, ``phase.<phase>.weeks.<first week>.per_week|every_n_weeks``,
``prescriber_on_site``, ``threshold.<vital>.low|high`` and ``instruments.<time point>``. Each
carries its current value and the stored setting behind it (a ``source`` or a clinic ``note``).
Bounds here are input rules (a dose above 0, 1-7 treatments a week, SpO2 at most 100 %), never
clinical thresholds: those the clinic sets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from ketacare.core.protocols.model import Protocol, WeeklyBlock
from ketacare.core.protocols.stored import to_document

Kind = Literal["text", "decimal", "whole", "weight_basis", "yes_no", "instruments"]
Path = tuple[str | int, ...]

WEIGHT_BASES = ("actual", "ideal", "adjusted")
DOSE_BOUNDS = (
    ("min", "Minimum dose (below: a second signature)"),
    ("default", "Usual dose"),
    ("max", "Maximum dose (above: a second signature)"),
    ("cap", "Cap (above: a prescriber override with a reason)"),
)
VITALS = {
    "sbp_mmhg": ("Systolic blood pressure", "mmHg", None),
    "dbp_mmhg": ("Diastolic blood pressure", "mmHg", None),
    "hr_bpm": ("Heart rate", "bpm", None),
    "spo2_percent": ("SpO2", "%", 100),
    "rr_per_min": ("Respiratory rate", "/min", None),
}


@dataclass(frozen=True)
class Editable:
    """One value a clinic may change: its field name, words, bounds and where it is stored.

    ``path`` is the setting's place in the stored document and ``part`` a part of its value (one
    side of an alert range, one time point of the instruments due). ``setting`` is the stored
    setting now (value with ``source`` or ``note``; None for the name) and ``current`` the value.
    """

    field: str
    label: str
    kind: Kind
    path: Path
    part: str | None = None
    unit: str = ""
    least: int = 0
    most: int | None = None
    above_least: bool = False
    places: int = 0
    optional: bool = False
    setting: Mapping[str, Any] | None = None
    current: Any = None

    @property
    def text(self) -> str:
        """The current value as a form field shows it."""
        return shown(self.current)

    @property
    def source(self) -> str | None:
        return None if self.setting is None else self.setting.get("source")

    @property
    def note(self) -> str | None:
        return None if self.setting is None else self.setting.get("note")


def editable_fields(protocol: Protocol) -> tuple[Editable, ...]:
    """Every value of ``protocol`` a clinic may change, in the order a form shows them."""
    specs = [
        Editable("name", "Name", "text", ("name",)),
        *_dose_fields(protocol),
        *_timing_fields(protocol),
        *_phase_fields(protocol),
        Editable(
            "prescriber_on_site", "Prescriber on site throughout", "yes_no", ("prescriber_on_site",)
        ),
        *_threshold_fields(protocol),
        *_instrument_fields(protocol),
    ]
    document = to_document(protocol)
    return tuple(_located(spec, document) for spec in specs)


def _dose(field: str, label: str, path: Path, unit: str, optional: bool = False) -> Editable:
    """A dose bound: above 0, at most 3 decimals (the precision a course's dose is kept in)."""
    return Editable(field, label, "decimal", path, None, unit, 0, None, True, 3, optional)


def _whole(field: str, label: str, path: Path, unit: str = "", **bounds: Any) -> Editable:
    """A count or a time in whole units; ``bounds`` are ``least``, ``most`` and ``optional``."""
    return Editable(field, label, "whole", path or (field,), unit=unit, **bounds)


def _dose_fields(protocol: Protocol) -> list[Editable]:
    rule, bolus = protocol.dose_rule, protocol.bolus
    found = [_dose(f"dose.{k}", label, ("dose_rule", k), rule.unit) for k, label in DOSE_BOUNDS]
    if rule.weight_basis is not None:
        basis = ("dose_rule", "weight_basis")
        found.append(Editable("dose.weight_basis", "Weight used", "weight_basis", basis))
    if bolus is not None:
        found += [
            _dose(f"bolus.{k}", f"Bolus: {label.lower()}", ("bolus", k), bolus.unit, True)
            for k, label in DOSE_BOUNDS[:2]
        ]
    return found


def _timing_fields(protocol: Protocol) -> list[Editable]:
    found = [
        _whole("min_interval_hours", "Minimum time between doses", (), "h"),
        _whole("min_observation_min", "Minimum observation", (), "min"),
    ]
    if protocol.infusion_duration_min is not None:
        found.insert(0, _whole("infusion_duration_min", "Infusion duration", (), "min", least=1))
    return found


def _phase_fields(protocol: Protocol) -> list[Editable]:
    found = []
    for i, phase in enumerate(protocol.phases):
        where, named = f"phase.{phase.name}", phase.name.capitalize()
        most = f"{named}: most treatments (blank: no limit)"
        at: Path = ("phases", i)
        found.append(
            _whole(f"{where}.max_treatments", most, (*at, "max_treatments"), least=1, optional=True)
        )
        blocks = phase.schedule if isinstance(phase.schedule, tuple) else ()
        for j, block in enumerate(blocks):
            path: Path = (*at, "schedule", j)
            found += _block_fields(f"{where}.weeks.{block.first_week}", named, block, path)
    return found


def _block_fields(where: str, named: str, block: WeeklyBlock, path: Path) -> list[Editable]:
    """Treatments per week of a weekly block; and how often an open-ended block repeats."""
    if block.last_week is None:
        weeks = f"{named}, week {block.first_week} on"
        every = f"{weeks}: every how many weeks"
        repeat = [_whole(f"{where}.every_n_weeks", every, (*path, "every_n_weeks"), least=1)]
    else:
        weeks, repeat = f"{named}, weeks {block.first_week}-{block.last_week}", []
    per_week = f"{weeks}: treatments per week"
    return [_whole(f"{where}.per_week", per_week, (*path, "per_week"), least=1, most=7), *repeat]


def _threshold_fields(protocol: Protocol) -> list[Editable]:
    found = []
    for vital in protocol.alert_thresholds:
        label, unit, most = VITALS.get(vital, (vital, "", None))
        found += [
            Editable(
                f"threshold.{vital}.{side}",
                f"{label}: {side} alert limit",
                "decimal",
                ("alert_thresholds", vital),
                side,
                unit,
                most=most,
                places=1,
                optional=True,
            )
            for side in ("low", "high")
        ]
    return found


def _instrument_fields(protocol: Protocol) -> list[Editable]:
    due = protocol.instruments_due.value or {}
    return [
        Editable(
            f"instruments.{point}",
            f"Instruments due: {point.replace('_', ' ')}",
            "instruments",
            ("instruments_due",),
            point,
            optional=True,
        )
        for point in due
    ]


def _located(spec: Editable, document: Mapping[str, Any]) -> Editable:
    """``spec`` with its stored setting and current value read from the protocol's document."""
    stored: Any = document
    for step in spec.path:
        stored = stored[step]
    if spec.kind == "text":
        return replace(spec, current=stored)
    value = stored["value"]
    if spec.part is not None:
        value = None if value is None else value.get(spec.part)
    return replace(spec, setting=stored, current=value)


def shown(value: Any, unit: str = "") -> str:
    """A stored value as text: ``0.5``, ``yes``, ``phq9, madrs``, blank when not set."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key} {shown(item, unit) or '-'}" for key, item in value.items())
    return f"{value} {unit}".strip()
