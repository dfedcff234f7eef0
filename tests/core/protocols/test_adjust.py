"""A clinic's changes to a protocol: a changed value becomes a clinic setting that names the source
it departs from, an unchanged value keeps its source, and every refusal names its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketacare.core.errors import ValidationFailed
from ketacare.core.instruments.registry import INSTRUMENTS
from ketacare.core.protocols.adjust import adjust, changed_values
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.editable import editable_fields
from ketacare.core.protocols.model import ClinicDefault, Protocol, Range, Sourced

SPRAVATO = DEFAULT_PROTOCOLS["esketamine_nasal"]
IV = DEFAULT_PROTOCOLS["iv_ketamine_depression"]
PAIN = DEFAULT_PROTOCOLS["iv_ketamine_pain"]
IM = DEFAULT_PROTOCOLS["im_ketamine"]
V2 = "set by the clinic in version 2"


def setting_of(protocol: Protocol, field: str) -> Any:
    """The stored setting behind one editable field, as the protocol holds it."""
    return {
        "dose.default": lambda p: p.dose_rule.default,
        "dose.cap": lambda p: p.dose_rule.cap,
        "min_interval_hours": lambda p: p.min_interval_hours,
        "prescriber_on_site": lambda p: p.prescriber_on_site,
        "threshold.sbp_mmhg.high": lambda p: p.alert_thresholds["sbp_mmhg"],
        "phase.maintenance.weeks.9.every_n_weeks": lambda p: p.phases[1].schedule[1].every_n_weeks,
        "phase.induction.max_treatments": lambda p: p.phase("induction").max_treatments,
        "bolus.default": lambda p: p.bolus.default,
    }[field](protocol)


@pytest.mark.parametrize(
    ("protocol", "field", "text", "expected"),
    [
        (
            IV,
            "dose.default",
            "0.6",
            ClinicDefault(Decimal("0.6"), f"{V2}; departs from 0.5 mg/kg ([SINGH] [DUNLOP])"),
        ),
        (IV, "min_interval_hours", "72", ClinicDefault(72, V2)),
        (IV, "prescriber_on_site", "yes", ClinicDefault(True, V2)),
        (
            SPRAVATO,
            "prescriber_on_site",
            "no",
            ClinicDefault(
                False,
                f"{V2}; departs from yes ({SPRAVATO.prescriber_on_site.source})",
            ),
        ),
        (IV, "threshold.sbp_mmhg.high", "180", ClinicDefault(Range(None, Decimal("180")), V2)),
        (SPRAVATO, "phase.maintenance.weeks.9.every_n_weeks", "2", ClinicDefault(2, V2)),
        (IV, "phase.induction.max_treatments", "", ClinicDefault(None, V2)),
        (PAIN, "bolus.default", "0.25", ClinicDefault(Decimal("0.25"), V2)),
    ],
)
def test_a_changed_value_becomes_a_clinic_setting_naming_what_it_departs_from(
    protocol: Protocol, field: str, text: str, expected: ClinicDefault[Any]
) -> None:
    adjusted = adjust(protocol, {field: text}, version=2)
    assert setting_of(adjusted, field) == expected
    assert adjusted.version == 2


@pytest.mark.parametrize(
    ("protocol", "field", "text"),
    [
        (SPRAVATO, "dose.default", "56.0"),
        (IV, "min_interval_hours", " 48 "),
        (SPRAVATO, "prescriber_on_site", "YES"),
    ],
)
def test_an_unchanged_value_keeps_its_source_or_note(protocol: Protocol, field: str, text: str):
    adjusted = adjust(protocol, {field: text}, version=2)
    assert setting_of(adjusted, field) == setting_of(protocol, field)
    assert changed_values(protocol, adjusted) == {}


def test_a_later_change_keeps_the_source_the_first_change_departed_from() -> None:
    second = adjust(SPRAVATO, {"dose.default": "70"}, version=2)
    third = adjust(second, {"dose.default": "60"}, version=3)
    source = "§3.2 day 1: 56 mg [SPR-LIOBM] [SPR-MIMS-HK] [SPR-HCP]"
    expected = f"set by the clinic in version 3; departs from 56 mg ({source})"
    assert third.dose_rule.default == ClinicDefault(Decimal("60"), expected)


def test_only_the_instruments_of_the_time_point_changed_change() -> None:
    adjusted = adjust(IV, {"instruments.baseline": "phq9,  madrs"}, version=2)
    due = adjusted.instruments_due
    assert due == ClinicDefault(due.value, V2)
    assert due.value == {**IV.instruments_due.value, "baseline": ("phq9", "madrs")}


def test_a_value_the_clinic_has_not_set_may_stay_blank_while_others_change() -> None:
    adjusted = adjust(PAIN, {"min_interval_hours": "", "infusion_duration_min": "150"}, version=2)
    assert adjusted.min_interval_hours == PAIN.min_interval_hours
    assert adjusted.infusion_duration_min == ClinicDefault(150, V2)
    assert adjusted.unset() == ("minimum interval", "observation time")


@pytest.mark.parametrize(
    ("protocol", "changes", "field", "message"),
    [
        (IV, {"dose.default": "abc"}, "dose.default", "Enter a number, such as 0.5."),
        (IV, {"dose.min": "0"}, "dose.min", "Enter a dose above 0 mg/kg."),
        (IV, {"dose.cap": "1.0005"}, "dose.cap", "Use at most 3 decimal place(s)."),
        (
            IV,
            {"dose.default": "1.5"},
            "dose.default",
            "The usual dose (1.5 mg/kg) is above the maximum (1.0 mg/kg).",
        ),
        (
            IM,
            {"dose.min": "0.5", "dose.max": "0.4"},
            "dose.max",
            "The maximum (0.4 mg/kg) is below the minimum (0.5 mg/kg).",
        ),
        (SPRAVATO, {"dose.cap": "56"}, "dose.cap", "The cap (56 mg) is below the maximum (84 mg)."),
        (IV, {"min_interval_hours": "-1"}, "min_interval_hours", "Enter 0 h or more."),
        (IV, {"min_interval_hours": "2.5"}, "min_interval_hours", "Enter a whole number."),
        (IV, {"min_interval_hours": ""}, "min_interval_hours", "Enter a value."),
        (
            SPRAVATO,
            {"phase.induction.weeks.1.per_week": "8"},
            "phase.induction.weeks.1.per_week",
            "Enter a number from 1 to 7.",
        ),
        (
            IV,
            {"phase.induction.max_treatments": "0"},
            "phase.induction.max_treatments",
            "Enter 1 or more.",
        ),
        (
            IV,
            {"threshold.sbp_mmhg.low": "190", "threshold.sbp_mmhg.high": "180"},
            "threshold.sbp_mmhg.high",
            "The high limit (180 mmHg) is below the low limit (190 mmHg).",
        ),
        (
            IV,
            {"threshold.spo2_percent.low": "101"},
            "threshold.spo2_percent.low",
            "Enter a number from 0 to 100 %.",
        ),
        (
            IV,
            {"instruments.baseline": "phq-9"},
            "instruments.baseline",
            "List instrument codes such as phq9, madrs, separated by commas.",
        ),
        (IV, {"name": "  "}, "name", "Give the protocol a name."),
        (IV, {"name": "x" * 201}, "name", "Keep the name to 200 characters."),
        (
            IV,
            {"dose.weight_basis": "lean"},
            "dose.weight_basis",
            "Choose actual, ideal or adjusted.",
        ),
        (IV, {"prescriber_on_site": "maybe"}, "prescriber_on_site", "Choose yes or no."),
        (IV, {"dose.kind": "fixed_mg"}, "dose.kind", "This value cannot be changed here."),
        (
            SPRAVATO,
            {"dose.weight_basis": "actual"},
            "dose.weight_basis",
            "This value cannot be changed here.",
        ),
        # The protocol's own checks, put on the field they concern:
        (
            PAIN,
            {"infusion_duration_min": "100"},
            "infusion_duration_min",
            "The infusion must run longer than 120 min.",
        ),
        (
            PAIN,
            {"bolus.default": "0.5"},
            "bolus.default",
            "Default 0.5 mg/kg is above max 0.35 mg/kg.",
        ),
    ],
)
def test_a_refused_value_is_named_with_a_message_a_prescriber_understands(
    protocol: Protocol, changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        adjust(protocol, changes, version=2)
    assert refused.value.by_field() == {field: message}


def test_an_instrument_that_does_not_exist_is_refused_when_the_known_ones_are_given() -> None:
    with pytest.raises(ValidationFailed) as refused:
        adjust(IV, {"instruments.baseline": "phq9, phq10"}, version=2, instruments=INSTRUMENTS)
    assert refused.value.by_field() == {"instruments.baseline": "Unknown instrument: phq10."}


def test_every_refused_field_is_reported_at_once() -> None:
    changes = {"dose.min": "x", "min_observation_min": "-5", "prescriber_on_site": "?"}
    with pytest.raises(ValidationFailed) as refused:
        adjust(IV, changes, version=2)
    assert set(refused.value.by_field()) == set(changes)


def test_the_field_names_are_stable() -> None:
    """The names are shared by the edit form, the audit trail and API clients."""
    names = [e.field for e in editable_fields(SPRAVATO)]
    assert names[:8] == [
        "name",
        "dose.min",
        "dose.default",
        "dose.max",
        "dose.cap",
        "min_interval_hours",
        "min_observation_min",
        "phase.induction.max_treatments",
    ]
    assert {
        "phase.induction.weeks.1.per_week",
        "phase.maintenance.weeks.5.per_week",
        "phase.maintenance.weeks.9.every_n_weeks",
        "prescriber_on_site",
        "threshold.rr_per_min.low",
        "instruments.at_40_min",
    } <= set(names)
    assert "phase.maintenance.weeks.5.every_n_weeks" not in names  # a closed block repeats weekly
    assert "infusion_duration_min" in {e.field for e in editable_fields(PAIN)}


def test_changed_values_lists_old_and_new_text_of_each_change() -> None:
    changes = {"dose.default": "0.6", "threshold.hr_bpm.high": "120", "name": "IV (clinic)"}
    adjusted = adjust(IV, changes, version=2)
    assert changed_values(IV, adjusted) == {
        "name": ("IV ketamine for depression", "IV (clinic)"),
        "dose.default": ("0.5", "0.6"),
        "threshold.hr_bpm.high": ("", "120"),
    }


def _sorted_decimals(
    count: int, low: str, high: str, places: int
) -> st.SearchStrategy[list[Decimal]]:
    one = st.decimals(Decimal(low), Decimal(high), places=places)
    return st.lists(one, min_size=count, max_size=count).map(sorted)


BOUNDS = ("min", "default", "max", "cap")
ONE_FIELD = {
    "infusion_duration_min": st.integers(121, 600).map(str),  # pain: longer than 2 h
    "min_interval_hours": st.integers(0, 336).map(str),
    "min_observation_min": st.integers(0, 600).map(str),
    "per_week": st.integers(1, 7).map(str),
    "every_n_weeks": st.integers(1, 8).map(str),
    "max_treatments": st.integers(1, 52).map(str) | st.just(""),
    "name": st.from_regex(r"[A-Z][a-z]{2,12}( [a-z]{1,8}){0,3}", fullmatch=True),
    "yes_no": st.sampled_from(["yes", "no"]),
    "weight_basis": st.sampled_from(["actual", "ideal", "adjusted"]),
    "instruments": st.sampled_from(["", "phq9", "phq9, madrs"]),
}


@st.composite
def dose_changes(draw: st.DrawFn, rule: str, most: str) -> dict[str, str]:
    """Dose bounds in order; a cap 84 mg above the maximum stays above any labelled dose."""
    values = draw(_sorted_decimals(4, "0.001", most, 3))
    values[3] += 84 if rule == "dose" else 0
    return {f"{rule}.{bound}": str(v) for bound, v in zip(BOUNDS, values, strict=True)}


@st.composite
def adjustments(draw: st.DrawFn) -> tuple[Protocol, dict[str, str]]:
    """A shipped protocol and a set of changes that are valid together (bounds kept in order)."""
    protocol = draw(st.sampled_from(list(DEFAULT_PROTOCOLS.values())))
    fields = editable_fields(protocol)
    changes: dict[str, str] = {}
    if draw(st.booleans()):
        changes |= draw(dose_changes("dose", "200"))
    if protocol.bolus is not None and draw(st.booleans()):
        bolus = draw(dose_changes("bolus", "0.35"))
        changes |= {name: v for name, v in bolus.items() if name.endswith(("min", "default"))}
    for vital in draw(st.sets(st.sampled_from(["sbp_mmhg", "spo2_percent", "rr_per_min"]))):
        low, high = draw(_sorted_decimals(2, "0", "100", 1))
        changes |= {f"threshold.{vital}.low": str(low), f"threshold.{vital}.high": str(high)}
    for field in fields:
        kind = next((k for k in ONE_FIELD if field.field.endswith(k) or field.kind == k), None)
        if kind is not None and draw(st.booleans()):
            changes[field.field] = draw(ONE_FIELD[kind])
    return protocol, changes


@settings(max_examples=150, deadline=None)
@given(adjustments())
def test_only_changed_values_become_clinic_settings(case: tuple[Protocol, dict[str, str]]) -> None:
    protocol, changes = case
    adjusted = adjust(protocol, changes, version=2, instruments=INSTRUMENTS)
    before = {e.field: e for e in editable_fields(protocol)}
    differ = changed_values(protocol, adjusted)
    assert set(differ) <= set(changes)
    for after in editable_fields(adjusted):
        if after.setting is None:  # the name: a plain value
            continue
        if after.field in differ:
            assert (after.note or "").startswith(V2)
        elif not after.field.startswith(("threshold.", "instruments.")):  # one setting, many fields
            assert after.setting == before[after.field].setting  # same value, same source or note


def test_sourced_values_stay_sourced_when_nothing_is_asked() -> None:
    assert adjust(SPRAVATO, {}, version=2).dose_rule.max == Sourced(
        Decimal("84"), "§3.2: 56 or 84 mg [SPR-LIOBM] [SPR-MIMS-HK] [SPR-HCP]"
    )
