"""The shipped protocols: codes as screening knows them, bounds in order, every value sourced or
marked as the clinic's (clinical-reference §1.1-1.2, §2, §3.2-3.5, §4.2, §11)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from ketacare.core.instruments.registry import INSTRUMENTS
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import (
    NO_AUTHORITATIVE_THRESHOLD,
    ClinicDefault,
    Protocol,
    Sourced,
    value_of,
)
from ketacare.core.screening.protocols import PROTOCOLS as SCREENING_PROTOCOLS

SHIPPED = list(DEFAULT_PROTOCOLS.values())


def settings_in(value: Any) -> Iterator[Sourced[Any] | ClinicDefault[Any]]:
    """Every Sourced or ClinicDefault reachable from ``value``."""
    if isinstance(value, Sourced | ClinicDefault):
        yield value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from settings_in(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from settings_in(item)
    elif hasattr(value, "values") and not isinstance(value, str):
        for item in value.values():
            yield from settings_in(item)


def test_shipped_codes_are_exactly_the_screening_protocol_codes() -> None:
    assert set(DEFAULT_PROTOCOLS) == set(SCREENING_PROTOCOLS)


@pytest.mark.parametrize("protocol", SHIPPED, ids=lambda p: p.code)
def test_each_shipped_protocol_has_the_route_screening_gives_it(protocol: Protocol) -> None:
    assert protocol.route == SCREENING_PROTOCOLS[protocol.code].route


@pytest.mark.parametrize("protocol", SHIPPED, ids=lambda p: p.code)
def test_each_shipped_protocol_validates_with_bounds_in_order(protocol: Protocol) -> None:
    assert dataclasses.replace(protocol) == protocol  # construction re-runs every check
    rule = protocol.dose_rule
    ordered = (rule.min, rule.default, rule.max, rule.cap)
    known = [v for v in (value_of(s) for s in ordered) if v is not None]
    assert known == sorted(known)


@pytest.mark.parametrize("protocol", SHIPPED, ids=lambda p: p.code)
def test_every_value_names_its_source_or_says_the_clinic_sets_it(protocol: Protocol) -> None:
    for setting in settings_in(protocol):
        text = setting.source if isinstance(setting, Sourced) else setting.note
        assert text.strip(), setting


@pytest.mark.parametrize("protocol", SHIPPED, ids=lambda p: p.code)
def test_alert_thresholds_are_clinic_policy_with_no_invented_number(protocol: Protocol) -> None:
    assert protocol.alert_thresholds
    for setting in protocol.alert_thresholds.values():
        assert isinstance(setting, ClinicDefault)
        assert setting.value is None
        assert NO_AUTHORITATIVE_THRESHOLD in setting.note


@pytest.mark.parametrize("protocol", SHIPPED, ids=lambda p: p.code)
def test_instruments_due_are_instruments_ketacare_scores(protocol: Protocol) -> None:
    schedule = value_of(protocol.instruments_due)
    assert schedule
    for codes in schedule.values():
        assert set(codes) <= set(INSTRUMENTS)


def test_iv_depression_is_half_a_milligram_per_kilogram_over_40_minutes() -> None:
    iv = DEFAULT_PROTOCOLS["iv_ketamine_depression"]
    assert iv.dose_rule.default == Sourced(Decimal("0.5"), "[SINGH] [DUNLOP]")
    assert iv.infusion_duration_min == Sourced(40, "[SINGH] [DUNLOP]")
    assert (iv.dose_rule.unit, iv.dose_rule.min.value, iv.dose_rule.max.value) == (
        "mg/kg",
        Decimal("0.1"),
        Decimal("1.0"),
    )
    assert isinstance(iv.dose_rule.min, ClinicDefault)
    assert isinstance(iv.dose_rule.max, ClinicDefault)
    induction_count = iv.phase("induction").max_treatments
    assert induction_count.value == 6
    assert isinstance(induction_count, ClinicDefault)
    assert "UNVERIFIED" in induction_count.note


def test_iv_depression_checks_blood_pressure_every_10_minutes_then_every_15() -> None:
    checkpoints = {
        c.name: c for c in DEFAULT_PROTOCOLS["iv_ketamine_depression"].monitoring_checkpoints
    }
    assert (checkpoints["bp_during"].every_min, checkpoints["bp_during"].until) == (
        10,
        "end_of_infusion",
    )
    assert (checkpoints["bp_after"].at, checkpoints["bp_after"].every_min) == (40, 15)
    assert "[DUNLOP]" in checkpoints["bp_after"].source


def test_pain_protocol_carries_the_guideline_ranges() -> None:
    pain = DEFAULT_PROTOCOLS["iv_ketamine_pain"]
    assert pain.dose_rule.unit == "mg/kg/h"
    assert (pain.dose_rule.min, pain.dose_rule.max) == (
        Sourced(Decimal("0.5"), "[COHEN-GC] infusion 0.5-2 mg/kg/h"),
        Sourced(Decimal("2"), "[COHEN-GC] infusion 0.5-2 mg/kg/h"),
    )
    assert pain.bolus is not None
    assert pain.bolus.cap.value == Decimal("0.35")
    assert pain.total_floor is not None
    assert (pain.total_floor.total_mg, pain.total_floor.over_more_than_min) == (Decimal("80"), 120)


def test_esketamine_follows_the_label_devices_doses_and_observation() -> None:
    spravato = DEFAULT_PROTOCOLS["esketamine_nasal"]
    rule = spravato.dose_rule
    assert (rule.kind, rule.unit) == ("fixed_mg", "mg")
    assert rule.first_dose is not None
    assert rule.first_dose.value == Decimal("56")
    assert rule.allowed is not None
    assert rule.allowed.value == (Decimal("56"), Decimal("84"))
    assert spravato.device is not None
    assert (
        spravato.device.mg_per_device.value,
        spravato.device.rest_between_devices_min.value,
    ) == (
        28,
        5,
    )
    assert spravato.min_observation_min.value == 120
    assert isinstance(spravato.min_observation_min, Sourced)
    assert {c.at for c in spravato.monitoring_checkpoints} >= {
        "before_dose",
        40,
        "before_discharge",
    }
    assert not spravato.requires_clinic_configuration


@pytest.mark.parametrize(
    ("code", "unset"),
    [
        ("esketamine_nasal", ()),
        ("iv_ketamine_depression", ("observation time",)),
        ("iv_ketamine_pain", ("minimum interval", "observation time", "infusion duration")),
        (
            "im_ketamine",
            (
                "dose default",
                "dose min",
                "dose max",
                "dose cap",
                "minimum interval",
                "observation time",
            ),
        ),
        (
            "oral_sublingual_ketamine",
            (
                "dose default",
                "dose min",
                "dose max",
                "dose cap",
                "minimum interval",
                "observation time",
            ),
        ),
    ],
)
def test_protocols_list_exactly_what_the_clinic_must_still_set(
    code: str, unset: tuple[str, ...]
) -> None:
    protocol = DEFAULT_PROTOCOLS[code]
    assert protocol.unset() == unset
    assert protocol.requires_clinic_configuration == bool(unset)


@pytest.mark.parametrize("code", ["im_ketamine", "oral_sublingual_ketamine"])
def test_im_and_oral_ship_with_no_dose_numbers(code: str) -> None:
    rule = DEFAULT_PROTOCOLS[code].dose_rule
    for setting in (rule.default, rule.min, rule.max, rule.cap):
        assert isinstance(setting, ClinicDefault)
        assert setting.value is None
