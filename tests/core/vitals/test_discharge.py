"""Modified Aldrete and PADSS: five items 0-2, total 0-10, 9 or more passes (§4.4)."""

from __future__ import annotations

import pytest

from ketacare.core.errors import ValidationFailed
from ketacare.core.vitals.discharge import ALDRETE_ITEMS, PADSS_ITEMS, score

ALDRETE_ALL_2 = dict.fromkeys(ALDRETE_ITEMS, 2)


@pytest.mark.parametrize(
    ("scale", "items", "total", "passed"),
    [
        ("aldrete", ALDRETE_ALL_2, 10, True),
        ("aldrete", {**ALDRETE_ALL_2, "spo2": 1}, 9, True),
        ("aldrete", {**ALDRETE_ALL_2, "spo2": 1, "activity": 1}, 8, False),
        ("aldrete", dict.fromkeys(ALDRETE_ITEMS, 0), 0, False),
        # PADSS: surgical bleeding left out is scored 2 (§4.4 lets a site auto-score it)
        (
            "padss",
            {
                "vital_signs": 2,
                "activity_mental_status": 2,
                "pain_nausea_vomiting": 1,
                "intake_output": 2,
            },
            9,
            True,
        ),
        (
            "padss",
            {
                "vital_signs": 2,
                "activity_mental_status": 1,
                "pain_nausea_vomiting": 1,
                "intake_output": 2,
                "surgical_bleeding": 2,
            },
            8,
            False,
        ),
    ],
)
def test_totals_and_the_pass_mark_of_nine(scale, items, total, passed):
    result = score(scale, items)
    assert (result.total, result.passed) == (total, passed)


@pytest.mark.parametrize(
    ("items", "fields"),
    [
        ({**ALDRETE_ALL_2, "spo2": 3}, {"aldrete.spo2"}),
        ({**ALDRETE_ALL_2, "spo2": True}, {"aldrete.spo2"}),
        ({k: v for k, v in ALDRETE_ALL_2.items() if k != "activity"}, {"aldrete.activity"}),
        ({**ALDRETE_ALL_2, "bleeding": 2}, {"aldrete.bleeding"}),
    ],
)
def test_a_missing_unknown_or_out_of_range_item_is_refused_by_field(items, fields):
    with pytest.raises(ValidationFailed) as refused:
        score("aldrete", items)
    assert set(refused.value.by_field()) == fields


def test_every_item_has_a_name_and_what_its_scores_mean():
    assert len(ALDRETE_ITEMS) == len(PADSS_ITEMS) == 5
    assert all(name and meaning for name, meaning in {**ALDRETE_ITEMS, **PADSS_ITEMS}.values())
