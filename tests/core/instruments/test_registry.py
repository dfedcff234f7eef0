"""Every instrument is complete data: numbered items, contiguous sourced bands, a licence note."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ketacare.core.instruments import INSTRUMENTS, instrument

CODES = sorted(INSTRUMENTS)


def test_the_ten_codes_of_issue_3_are_registered():
    assert set(INSTRUMENTS) == {
        "phq9",
        "gad7",
        "pcl5",
        "qids_sr16",
        "cssrs_screen",
        "nrs_pain",
        "peg",
        "madrs",
        "cadss",
        "bprs_positive",
    }


@pytest.mark.parametrize("code", CODES)
def test_items_are_numbered_from_one_in_order(code: str):
    items = INSTRUMENTS[code].items + INSTRUMENTS[code].optional_items
    assert [item.number for item in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize("code", [code for code in CODES if INSTRUMENTS[code].bands])
def test_bands_cover_the_total_range_without_gaps_and_name_a_source(code: str):
    bands = INSTRUMENTS[code].bands
    low, high = INSTRUMENTS[code].total_range
    assert (bands[0].low, bands[-1].high) == (low, high)
    assert all(a.high + 1 == b.low for a, b in pairwise(bands))
    assert all(band.source for band in bands)


@pytest.mark.parametrize("code", CODES)
def test_every_instrument_states_its_source_version_window_and_licence(code: str):
    found = instrument(code)
    assert found.code == code
    assert all((found.source, found.version, found.window, found.licence_note))
    assert found.kind in {"self_report", "clinician"}


def test_the_unbanded_instruments_are_cadss_bprs_positive_and_peg():
    assert {code for code in CODES if not INSTRUMENTS[code].bands} == {
        "cadss",
        "bprs_positive",
        "peg",
    }


def test_a_band_lookup_outside_every_band_is_empty():
    assert INSTRUMENTS["phq9"].band_for(28) == ""
