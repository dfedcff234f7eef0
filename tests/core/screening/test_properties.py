"""Properties: facts survive storage unchanged, and only an absolute finding makes a patient
ineligible (issue 4: "ineligible (any absolute contraindication)")."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.screening import PROTOCOLS, IntakeFacts, evaluate
from ketacare.core.screening.fields import Amount, Choice, Codes, Day, FieldKind, Flag, Whole
from ketacare.core.screening.intake_fields import GROUPS, MEDICATION_CLASSES


def value_of(kind: FieldKind) -> st.SearchStrategy[Any]:
    """Valid values of one field kind, or None (unknown)."""
    if isinstance(kind, Flag):
        valid: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(kind, Choice):
        valid = st.sampled_from(kind.values)
    elif isinstance(kind, Whole):
        valid = st.integers(kind.low, kind.high)
    elif isinstance(kind, Amount):
        valid = st.decimals(kind.low, kind.high, places=2).map(str)
    elif isinstance(kind, Day):
        valid = st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(date.isoformat)
    elif isinstance(kind, Codes):
        valid = st.lists(st.sampled_from(list(kind.known)), unique=True, max_size=3)
    else:
        valid = st.text(max_size=20).map(str.strip)
    return st.one_of(st.none(), valid)


def medication() -> st.SearchStrategy[dict[str, Any]]:
    def build(drug_class: str, dose: Decimal | None, diazepam: Decimal | None) -> dict[str, Any]:
        item: dict[str, Any] = {"name": "medicine", "class": drug_class, "daily_dose_mg": dose}
        if drug_class == "benzodiazepine":
            item["diazepam_equivalent_mg_per_day"] = diazepam
        return item

    amounts = st.one_of(st.none(), st.decimals(Decimal(1), Decimal(50), places=1))
    return st.builds(build, st.sampled_from(MEDICATION_CLASSES), amounts, amounts)


@st.composite
def intake(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        group: {name: draw(value_of(kind)) for name, kind in fields.items()}
        for group, fields in GROUPS.items()
    }
    vitals, medical, psychiatric = data["vitals"], data["medical"], data["psychiatric"]
    if None not in (vitals["systolic_mmHg"], vitals["diastolic_mmHg"]):
        vitals["diastolic_mmHg"] = min(vitals["diastolic_mmHg"], vitals["systolic_mmHg"] - 1)
    if vitals["pregnancy_test"] == "positive":
        medical["pregnant"] = True
    if psychiatric["substance_use_disorder"] == "none":
        psychiatric["substances"] = []
    data["medications"] = draw(st.one_of(st.none(), st.lists(medication(), max_size=4)))
    return data


@given(intake())
def test_facts_round_trip_through_their_json_safe_dict(data: dict[str, Any]):
    facts = IntakeFacts.from_dict(data)
    stored = facts.to_dict()
    assert json.loads(json.dumps(stored)) == stored
    assert IntakeFacts.from_dict(stored) == facts
    assert IntakeFacts.from_dict(stored).to_dict() == stored


@given(intake(), st.sampled_from(list(PROTOCOLS)))
def test_a_patient_is_ineligible_exactly_when_there_is_an_absolute_finding(
    data: dict[str, Any], protocol: str
):
    result = evaluate(IntakeFacts.from_dict(data), protocol)
    has_absolute = any(f.kind == "absolute" for f in result.findings)
    assert (result.recommendation == "ineligible") == has_absolute
    blocking = any(f.kind in ("relative", "interaction") for f in result.findings)
    assert (result.recommendation == "eligible") == (not has_absolute and not blocking)
