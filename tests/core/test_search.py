"""How typed patient searches are read: a date of birth, an MRN, or one or two name prefixes,
with accents and punctuation folded away so the stored search keys match."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.search import PatientQuery, parse_query, search_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ada", "ada"),
        ("Zoë O'Brien-Díaz", "zoeobriendiaz"),
        ("Ångström", "angstrom"),
        ("  Núñez  ", "nunez"),
        ("Françoise", "francoise"),
        ("Smith 2nd", "smith2nd"),
        ("ﬁnn", "finn"),  # a compatibility ligature folds to its letters
        ("李", ""),  # nothing foldable to ASCII letters remains
        ("", ""),
    ],
)
def test_search_key_folds_case_accents_and_punctuation(name: str, key: str):
    assert search_key(name) == key


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1985-12-10", PatientQuery(date_of_birth=date(1985, 12, 10))),
        ("  1980-02-29 ", PatientQuery(date_of_birth=date(1980, 2, 29))),
        ("mrn-0001", PatientQuery(mrn="MRN-0001")),
        ("A12", PatientQuery(mrn="A12")),
        ("1985-12", PatientQuery(mrn="1985-12")),
        ("Lovelace", PatientQuery(name_prefixes=("lovelace",))),
        ("lov", PatientQuery(name_prefixes=("lov",))),
        ("Ada Lovelace", PatientQuery(name_prefixes=("ada", "lovelace"))),
        ("Ada  King  Lovelace", PatientQuery(name_prefixes=("ada", "king"))),
        ("Lovelace, Ada", PatientQuery(name_prefixes=("lovelace", "ada"), family_first=True)),
        ("Lovelace,", PatientQuery(name_prefixes=("lovelace",), family_first=True)),
        (", Ada", PatientQuery(name_prefixes=("ada",), family_first=True)),
        ("Díaz, Zoë", PatientQuery(name_prefixes=("diaz", "zoe"), family_first=True)),
        ("O'Brien", PatientQuery(name_prefixes=("obrien",))),
        ("- Ada", PatientQuery(name_prefixes=("ada",))),
        ("", PatientQuery()),
        ("   ", PatientQuery()),
    ],
)
def test_parse_query(typed: str, expected: PatientQuery):
    assert parse_query(typed) == expected


@pytest.mark.parametrize("typed", ["2025-02-30", "1981-02-29", "2026-13-01", "2026-00-10"])
def test_an_impossible_date_searches_for_nothing(typed: str):
    query = parse_query(typed)
    assert query == PatientQuery()
    assert query.is_empty


@pytest.mark.parametrize(
    ("query", "empty"),
    [
        (PatientQuery(), True),
        (PatientQuery(date_of_birth=date(2000, 1, 1)), False),
        (PatientQuery(mrn="A1"), False),
        (PatientQuery(name_prefixes=("ada",)), False),
    ],
)
def test_is_empty(query: PatientQuery, empty: bool):
    assert query.is_empty is empty


@given(st.text())
def test_a_search_key_is_only_lowercase_ascii_letters_and_digits(name: str):
    assert all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in search_key(name))


@given(st.text())
def test_folding_twice_changes_nothing(name: str):
    assert search_key(search_key(name)) == search_key(name)


@given(st.text())
def test_a_parsed_query_is_exactly_one_kind(typed: str):
    query = parse_query(typed)
    kinds = [query.date_of_birth is not None, query.mrn is not None, bool(query.name_prefixes)]
    assert sum(kinds) <= 1
    assert len(query.name_prefixes) <= 2


@given(st.dates())
def test_every_iso_date_is_read_as_a_date_of_birth(day: date):
    assert parse_query(day.isoformat()) == PatientQuery(date_of_birth=day)
