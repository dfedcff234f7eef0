"""What is known about one treatment: the facts the service reads from the record and the
guards of ``treatment_guards`` judge. Plain values only; nothing here decides anything."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from ketacare.core.enums import CheckStatus


def _frozen() -> Mapping[Any, Any]:
    """An empty read-only mapping: a default that no caller can change."""
    return MappingProxyType({})


@dataclass(frozen=True)
class AdministrationFacts:
    """What was given, as recorded: the lot and its expiry, and the dosing times."""

    lot_number: str
    lot_expiry: date
    started_at: datetime | None
    ended_at: datetime | None = None


@dataclass(frozen=True)
class DischargeFacts:
    """The discharge assessment as recorded (§4.4); totals are None when the scale is not used."""

    vitals_within_limits: bool = False
    alert_and_oriented: bool = False
    nausea_controlled: bool = False
    escort_present: bool = False
    aldrete_total: int | None = None
    padss_total: int | None = None
    signed_off: bool = False
    instructions_given: bool = False


@dataclass(frozen=True)
class Facts:
    """What is known about one treatment, filled by the service from the record.

    ``treatment_on`` is the treatment's local date (lot expiry); ``now`` the caller's clock.
    ``baseline`` maps each vital with a usable reading before dosing to when it was taken;
    ``hold_breaches`` are the sentences of ``core.vitals.alerts.pre_dose_hold`` for them.
    ``protocol_checks`` maps the protocol's pre-check codes to their text; ``checks`` holds the
    latest recorded status of each check code. ``instruments_pending`` names the pre-dose
    instruments neither done nor waived. ``min_observation_min`` is None when the clinic has not
    set it. ``open_act_alerts`` counts act-level (and emergency) alerts not yet cleared."""

    now: datetime
    treatment_on: date
    eligibility_current: bool = False
    consent_valid: bool = False
    order_exists: bool = False
    baseline: Mapping[str, datetime] = field(default_factory=_frozen)
    hold_breaches: tuple[str, ...] = ()
    hold_override_reason: str = ""
    protocol_checks: Mapping[str, str] = field(default_factory=_frozen)
    checks: Mapping[str, CheckStatus] = field(default_factory=_frozen)
    instruments_pending: tuple[str, ...] = ()
    pregnancy_test_required: bool = False
    pregnancy_test_positive: bool | None = None
    rems_required: bool = False
    rems_enrolled: bool = False
    administration: AdministrationFacts | None = None
    observation_started_at: datetime | None = None
    min_observation_min: int | None = None
    discharge: DischargeFacts = DischargeFacts()
    open_act_alerts: int = 0
    abort_reason: str = ""
