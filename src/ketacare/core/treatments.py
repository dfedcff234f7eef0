"""The treatment state machine: one dosing visit from scheduled to discharged (issue 6).

scheduled -> checked_in -> cleared -> dosing -> observation -> ready_for_discharge -> discharged,
and ``aborted`` (with a reason) from any state before discharged. Nothing leaves discharged or
aborted, and no state is skipped. Each target state has requirements (``treatment_guards``); the
service fills ``Facts`` from the record, shows ``checklist(next, facts)`` and moves the treatment
with ``transition``, which refuses with everything that is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType

from ketacare.core.enums import TreatmentState
from ketacare.core.errors import KetacareError
from ketacare.core.treatment_facts import AdministrationFacts, DischargeFacts, Facts
from ketacare.core.treatment_guards import (
    Missing,
    Requirement,
    for_aborted,
    for_cleared,
    for_discharged,
    for_dosing,
    for_observation,
    for_ready,
)

__all__ = [
    "AdministrationFacts",
    "DischargeFacts",
    "Facts",
    "Missing",
    "Requirement",
    "TreatmentError",
    "allowed",
    "checklist",
    "missing",
    "next_state",
    "observation_ends_at",
    "transition",
]

S = TreatmentState
PATH: Sequence[TreatmentState] = (
    S.SCHEDULED,
    S.CHECKED_IN,
    S.CLEARED,
    S.DOSING,
    S.OBSERVATION,
    S.READY_FOR_DISCHARGE,
    S.DISCHARGED,
)
TERMINAL = frozenset({S.DISCHARGED, S.ABORTED})
GUARDS: Mapping[TreatmentState, Callable[[Facts], list[Requirement]]] = MappingProxyType(
    {
        S.CLEARED: for_cleared,
        S.DOSING: for_dosing,
        S.OBSERVATION: for_observation,
        S.READY_FOR_DISCHARGE: for_ready,
        S.DISCHARGED: for_discharged,
        S.ABORTED: for_aborted,
    }
)


class TreatmentError(KetacareError):
    """A transition refused: not an allowed step, or requirements missing (``missing``)."""

    def __init__(
        self, current: TreatmentState, to: TreatmentState, missing: tuple[Missing, ...] = ()
    ) -> None:
        self.current, self.to, self.missing = current, to, missing
        if missing:
            reasons = " ".join(item.message for item in missing)
            message = f"This treatment cannot become {_words(to)} yet. {reasons}"
        else:
            message = f"A treatment that is {_words(current)} cannot become {_words(to)}."
        super().__init__(message)


def _words(state: TreatmentState) -> str:
    return state.value.replace("_", " ")


def next_state(current: TreatmentState) -> TreatmentState | None:
    """The next state along the path, None from discharged or aborted."""
    if current in TERMINAL:
        return None
    return PATH[PATH.index(current) + 1]


def allowed(current: TreatmentState) -> tuple[TreatmentState, ...]:
    """The states ``current`` may move to: the next one and aborted, or none when final."""
    after = next_state(current)
    return () if after is None else (after, S.ABORTED)


def checklist(to: TreatmentState, facts: Facts) -> tuple[Requirement, ...]:
    """Every requirement of moving to ``to``, met or not, for the page's checklist."""
    guard = GUARDS.get(to)
    return () if guard is None else tuple(guard(facts))


def missing(to: TreatmentState, facts: Facts) -> tuple[Missing, ...]:
    """What moving to ``to`` still needs; empty when nothing is missing."""
    return tuple(Missing(r.code, r.message) for r in checklist(to, facts) if not r.met)


def transition(current: TreatmentState, to: TreatmentState, facts: Facts) -> TreatmentState:
    """``to`` when the step is allowed and nothing is missing; else TreatmentError."""
    if to not in allowed(current):
        raise TreatmentError(current, to)
    lacking = missing(to, facts)
    if lacking:
        raise TreatmentError(current, to, lacking)
    return to


def observation_ends_at(started_at: datetime, min_observation_min: int) -> datetime:
    """When the protocol's minimum observation is over (§3.5: 2 h for esketamine)."""
    return started_at + timedelta(minutes=min_observation_min)
