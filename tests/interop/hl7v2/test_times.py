"""HL7 date/times: every precision, fractions, zone offsets, and local times in the site's zone,
always returned as UTC; checked against python-hl7's own DTM reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import hl7
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.interop.hl7v2.times import TimeReader, parse_time
from tests.interop.hl7v2.fixtures import SITE_ZONE


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026", utc(2026, 1, 1, 5)),
        ("202611", utc(2026, 11, 1, 4)),  # still daylight time at midnight on 1 November
        ("20261102", utc(2026, 11, 2, 5)),
        ("2026110209", utc(2026, 11, 2, 14)),
        ("202611020930", utc(2026, 11, 2, 14, 30)),
        ("20261102093015", utc(2026, 11, 2, 14, 30, 15)),
        ("20260701120000", utc(2026, 7, 1, 16)),
        ("20261102093015.1", utc(2026, 11, 2, 14, 30, 15, 100000)),
        ("20261102093015.1250+0100", utc(2026, 11, 2, 8, 30, 15, 125000)),
        ("20261102093015.123456789", utc(2026, 11, 2, 14, 30, 15, 123456)),
        ("20261102120000-0500", utc(2026, 11, 2, 17)),
        ("20261102120000+0530", utc(2026, 11, 2, 6, 30)),
        ("20261102120000-0330", utc(2026, 11, 2, 15, 30)),
        ("20261102120000-0030", utc(2026, 11, 2, 12, 30)),
        ("20261102+0000", utc(2026, 11, 2)),
        (" 20261102120000+0000 ", utc(2026, 11, 2, 12)),
    ],
)
def test_hl7_times_read_as_utc_instants(text: str, instant: datetime) -> None:
    assert parse_time(text, SITE_ZONE) == instant


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2026-11-02",
        "202611020",
        "20261102093015.",
        "2026.5",
        "20261302",
        "20261131",
        "20261102250000",
        "20261102120000+2500",
        "20261102120000+0160",
        "20261102120000Z",
        "20261102 120000",
    ],
)
def test_malformed_times_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not"):
        parse_time(text, SITE_ZONE)


def test_the_reader_gives_none_for_an_empty_value_and_the_same_instant_for_repeats() -> None:
    reader = TimeReader(UTC)
    assert reader.read("") is None
    assert reader.read("20261102") is reader.read("20261102")


WALL_CLOCK = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001 (a wall-clock time, zone given apart)
    max_value=datetime(2090, 12, 31),  # noqa: DTZ001
)
OFFSETS_MIN = st.sampled_from([0, 60, -300, 330, -210, 765, -480, 570, 840, -720])


@given(WALL_CLOCK, OFFSETS_MIN)
def test_any_instant_written_with_an_offset_reads_back_and_agrees_with_python_hl7(
    local: datetime, offset_min: int
) -> None:
    zone = timezone(timedelta(minutes=offset_min))
    at = local.replace(microsecond=local.microsecond // 100 * 100, tzinfo=zone)
    sign = "-" if offset_min < 0 else "+"
    hours, minutes = divmod(abs(offset_min), 60)
    text = f"{at:%Y%m%d%H%M%S}.{at.microsecond // 100:04d}{sign}{hours:02d}{minutes:02d}"
    assert parse_time(text, SITE_ZONE) == at
    assert parse_time(text, SITE_ZONE) == hl7.parse_datetime(text)


@given(WALL_CLOCK)
def test_a_time_without_offset_is_the_same_wall_clock_time_in_the_site_zone(
    local: datetime,
) -> None:
    text = f"{local:%Y%m%d%H%M%S}"
    reference = hl7.parse_datetime(text).replace(tzinfo=SITE_ZONE)
    assert parse_time(text, SITE_ZONE) == reference.astimezone(UTC)
