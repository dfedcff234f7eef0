"""A protocol that contradicts itself cannot be built (a clinic's copy is checked the same way)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest

from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import (
    ClinicDefault,
    InvalidProtocol,
    Protocol,
    Sourced,
    WeeklyBlock,
)

IV = DEFAULT_PROTOCOLS["iv_ketamine_depression"]
PAIN = DEFAULT_PROTOCOLS["iv_ketamine_pain"]
SPRAVATO = DEFAULT_PROTOCOLS["esketamine_nasal"]


def clinic(value: Any) -> ClinicDefault[Any]:
    return ClinicDefault(value, "clinic copy")


def with_dose(protocol: Protocol, **changes: Any) -> Protocol:
    return dataclasses.replace(
        protocol, dose_rule=dataclasses.replace(protocol.dose_rule, **changes)
    )


def with_induction_block(block: WeeklyBlock) -> Protocol:
    induction = dataclasses.replace(IV.phase("induction"), schedule=(block,))
    return dataclasses.replace(IV, phases=(induction, IV.phase("maintenance")))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"default": clinic(Decimal("1.5"))}, "default 1.5 mg/kg is above max 1.0 mg/kg"),
        ({"min": clinic(Decimal("0.6"))}, "min 0.6 mg/kg is above default 0.5 mg/kg"),
        ({"cap": clinic(Decimal("0.8"))}, "max 1.0 mg/kg is above cap 0.8 mg/kg"),
        ({"min": clinic(Decimal("0"))}, "doses must be above 0 mg/kg"),
    ],
)
def test_dose_bounds_out_of_order_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProtocol, match=re.escape(message)):
        with_dose(IV, **changes)


def test_unset_bounds_are_skipped_when_ordering() -> None:
    protocol = with_dose(IV, min=clinic(None), max=clinic(None))
    assert protocol.unset() == ("dose min", "dose max", "observation time")


def test_an_allowed_dose_above_the_cap_is_refused() -> None:
    with pytest.raises(InvalidProtocol, match=re.escape("allowed dose is above the cap 84")):
        with_dose(SPRAVATO, allowed=Sourced((Decimal("56"), Decimal("112")), "copy"))


def test_a_bolus_above_its_cap_is_refused() -> None:
    assert PAIN.bolus is not None
    bolus = dataclasses.replace(PAIN.bolus, max=clinic(Decimal("0.5")))
    with pytest.raises(InvalidProtocol, match=re.escape("iv_ketamine_pain bolus: max 0.5")):
        dataclasses.replace(PAIN, bolus=bolus)


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (WeeklyBlock(0, 2, clinic(2), clinic(1)), "weeks 0..2 are empty"),
        (WeeklyBlock(3, 2, clinic(2), clinic(1)), "weeks 3..2 are empty"),
        (WeeklyBlock(1, 2, clinic(8), clinic(1)), "must be 1-7; got 8"),
        (WeeklyBlock(1, 2, clinic(None), clinic(1)), "must be 1-7; got None"),
        (WeeklyBlock(1, 2, clinic(2), clinic(0)), "every 1 week or more; got 0"),
    ],
)
def test_impossible_weekly_blocks_are_refused(block: WeeklyBlock, message: str) -> None:
    with pytest.raises(InvalidProtocol, match=re.escape(message)):
        with_induction_block(block)


def test_a_weekly_phase_without_blocks_is_refused() -> None:
    induction = dataclasses.replace(IV.phase("induction"), schedule=())
    with pytest.raises(InvalidProtocol, match=re.escape("at least one block")):
        dataclasses.replace(IV, phases=(induction,))


def test_a_phase_allowing_no_treatment_is_refused() -> None:
    induction = dataclasses.replace(IV.phase("induction"), max_treatments=clinic(0))
    with pytest.raises(InvalidProtocol, match=re.escape("must be 1 or more")):
        dataclasses.replace(IV, phases=(induction,))


def test_a_phase_named_twice_is_refused() -> None:
    with pytest.raises(InvalidProtocol, match=re.escape("each phase may appear once")):
        dataclasses.replace(IV, phases=(IV.phase("induction"), IV.phase("induction")))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"infusion_duration_min": clinic(0)}, "infusion duration must be above 0"),
        ({"min_interval_hours": clinic(-1)}, "minimum interval cannot be negative"),
        ({"min_observation_min": clinic(-5)}, "observation time cannot be negative"),
    ],
)
def test_impossible_times_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidProtocol, match=re.escape(message)):
        dataclasses.replace(IV, **changes)


@pytest.mark.parametrize(("duration_min", "valid"), [(120, False), (121, True), (240, True)])
def test_a_pain_infusion_must_run_longer_than_two_hours(duration_min: int, valid: bool) -> None:
    def build() -> Protocol:
        return dataclasses.replace(PAIN, infusion_duration_min=clinic(duration_min))

    if valid:
        assert build().unset() == ("minimum interval", "observation time")
    else:
        with pytest.raises(InvalidProtocol, match=re.escape("longer than 120 min")):
            build()


def test_asking_for_a_phase_the_protocol_lacks_names_its_phases() -> None:
    with pytest.raises(InvalidProtocol, match=re.escape("its phases are: induction, maintenance")):
        IV.phase("taper")
