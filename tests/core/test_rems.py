"""The SPRAVATO REMS Patient Monitoring Form (clinical-reference §3.9 [REMS-PMF] [REMS-JNJ]): the
required fields, the 2-hour minimum, the 7-day due date, the three blood pressures picked from the
readings, and the answers the record gives (medicines, dose, sex, adverse events)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.core import rems
from ketacare.core.rems.form import MAX_MINUTES

FIRST = datetime(2026, 3, 9, 9, 15, tzinfo=UTC)  # the first device

# A form a clinician could sign: every required answer given and within the form's rules.
COMPLETE = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1985-12-10",
    "sex": "female",
    "first_treatment": "no",
    "benzodiazepines": "no",
    "non_benzodiazepine_sedative_hypnotics": "no",
    "psychostimulants": "no",
    "maois": "no",
    "provider_first_name": "Grace",
    "provider_last_name": "Hopper",
    "provider_phone": "+1 555 0100",
    "provider_email": "grace@clinic.test",
    "setting_name": "North",
    "setting_address_1": "1 Harbour Road",
    "setting_city": "Portland",
    "setting_state": "ME",
    "setting_zip": "04101",
    "treatment_on": "2026-03-09",
    "dose": "56",
    "lot_numbers": "LOT-4471",
    "duration_min": "125",
    "ready_after_min": "90",
    "vitals_ok_before": "yes",
    "vitals_ok_at_end": "yes",
    "bp_before": "128/82",
    "bp_40_min": "146/91",
    "bp_at_end": "124/80",
    "sedation": "no",
    "dissociation": "no",
    "respiratory_depression": "no",
}
REQUIRED = [key for key in COMPLETE if rems.BY_KEY[key].required]


def with_answers(**changes: str) -> dict[str, str]:
    return {**COMPLETE, **changes}


def bp(minutes: int, sbp: int, dbp: int) -> rems.BloodPressure:
    return rems.BloodPressure(FIRST + timedelta(minutes=minutes), Decimal(sbp), Decimal(dbp))


def test_a_complete_form_has_nothing_missing():
    assert rems.gaps(COMPLETE) == {}
    assert rems.missing(COMPLETE) == []


@pytest.mark.parametrize("key", REQUIRED)
def test_each_required_answer_left_blank_stops_signing_by_name(key):
    assert rems.gaps(with_answers(**{key: ""})) == {key: "Not answered."}
    [line] = rems.missing(with_answers(**{key: ""}))
    assert line.startswith(f"{rems.BY_KEY[key].section}, {rems.BY_KEY[key].label}")


@pytest.mark.parametrize(
    ("key", "answer", "then_needed"),
    [
        ("first_treatment", "yes", "enrolled"),  # [REMS-JNJ]: enrolment asked after "first"
        ("dose", "other", "dose_other_mg"),
        ("sedation", "yes", "sedation_resolved"),
        ("dissociation", "yes", "dissociation_resolved"),
        ("respiratory_depression", "yes", "respiratory_depression_resolved"),
    ],
)
def test_a_follow_up_question_is_required_only_after_its_answer(key, answer, then_needed):
    assert rems.gaps(with_answers(**{key: answer})) == {then_needed: "Not answered."}
    follow_up = "28" if key == "dose" else "yes"
    assert rems.gaps(with_answers(**{key: answer, then_needed: follow_up})) == {}


@pytest.mark.parametrize("key", ["middle_initial", "opioids", "setting_address_2", "other_events"])
def test_optional_boxes_may_stay_blank(key):
    assert not rems.BY_KEY[key].needed(COMPLETE)


@pytest.mark.parametrize(
    ("minutes", "refused"),
    [("119", True), ("120", False), ("121", False), ("0", True)],
)
def test_monitoring_shorter_than_two_hours_cannot_be_signed(minutes, refused):
    found = rems.gaps(with_answers(duration_min=minutes, ready_after_min="0"))
    assert ("duration_min" in found) is refused
    if refused:
        assert "at least 120 min" in found["duration_min"]


@pytest.mark.parametrize(("ready", "refused"), [("125", False), ("126", True), ("60", False)])
def test_the_patient_cannot_have_been_ready_after_monitoring_ended(ready, refused):
    found = rems.gaps(with_answers(duration_min="125", ready_after_min=ready))
    assert ("ready_after_min" in found) is refused


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("sex", "f"),
        ("first_treatment", "y"),
        ("date_of_birth", "10/12/1985"),
        ("treatment_on", "2026-13-01"),
        ("duration_min", "2 h"),
        ("duration_min", "12²"),  # a digit to str.isdigit, not to int()
        ("duration_min", str(MAX_MINUTES + 1)),
        ("ready_after_min", "-5"),
        ("dose", "28"),
        ("dose_other_mg", "0"),
        ("provider_email", "grace at clinic"),
        ("bp_before", "128-82"),
        ("bp_before", "82/128"),  # diastolic above systolic
        ("bp_40_min", "300/90"),  # beyond the data-entry plausibility limit
        ("bp_at_end", "12/8"),
    ],
)
def test_an_answer_the_form_cannot_hold_is_named(key, answer):
    assert set(rems.invalid({key: answer})) == {key}
    assert key in rems.gaps(with_answers(**{key: answer}))


def test_blank_answers_are_missing_not_invalid_and_spaces_are_trimmed():
    assert rems.invalid({key: "" for key in COMPLETE}) == {}
    assert rems.clean({"bp_before": " 128 / 82 ", "not_a_field": "x"}) == {"bp_before": "128 / 82"}
    assert rems.invalid({"bp_before": "128 / 82"}) == {}


@pytest.mark.parametrize(
    ("treated", "due"),
    [
        (date(2026, 3, 9), date(2026, 3, 16)),
        (date(2026, 2, 25), date(2026, 3, 4)),  # across a month end
        (date(2026, 12, 28), date(2027, 1, 4)),  # across a year end
    ],
)
def test_the_form_is_due_seven_days_after_the_treatment(treated, due):
    assert rems.due_on(treated) == due


@pytest.mark.parametrize(
    ("today", "late"),
    [(date(2026, 3, 15), False), (date(2026, 3, 16), False), (date(2026, 3, 17), True)],
)
def test_a_form_is_overdue_only_after_its_due_day(today, late):
    assert rems.overdue(date(2026, 3, 16), today) is late


@pytest.mark.parametrize(
    ("end", "minutes"),
    [
        (FIRST + timedelta(minutes=120), 120),
        (FIRST + timedelta(minutes=119, seconds=59), 119),  # rounded down: not yet 2 hours
        (FIRST + timedelta(hours=3, seconds=1), 180),
        (FIRST, 0),
        (FIRST - timedelta(minutes=1), None),
    ],
)
def test_duration_counts_whole_minutes_from_the_first_device(end, minutes):
    assert rems.duration_min(FIRST, end) == minutes


@pytest.mark.parametrize(
    ("at", "minutes"),
    [
        (FIRST + timedelta(minutes=41, seconds=30), 41),
        (FIRST - timedelta(minutes=6, seconds=10), -6),
    ],
)
def test_minutes_after_the_first_device_round_toward_it(at, minutes):
    assert rems.minutes_after(FIRST, at) == minutes


def test_the_usual_treatment_gives_each_blood_pressure_from_its_own_reading():
    pressures = [bp(-20, 135, 85), bp(-6, 128, 82), bp(38, 146, 91), bp(46, 150, 95),
                 bp(90, 130, 84), bp(118, 124, 80), bp(126, 122, 78)]  # fmt: skip
    found = rems.checkpoints(pressures, FIRST, FIRST + timedelta(minutes=120))
    assert found.before == bp(-6, 128, 82)  # the last before the first device
    assert found.after_40_min == bp(38, 146, 91)  # 2 min from 40 beats 6 min
    assert found.at_end == bp(118, 124, 80)  # 126 min is after monitoring ended


@pytest.mark.parametrize(
    ("pressures", "end_min", "expected"),
    [
        ([bp(0, 128, 82), bp(35, 140, 90), bp(45, 142, 91)], 130, (0, 35, 45)),  # tie: earlier
        ([bp(10, 128, 82), bp(50, 140, 90), bp(100, 130, 85)], 130, (None, 50, 100)),  # none before
        ([bp(-5, 128, 82), bp(40, 140, 90)], 130, (-5, 40, None)),  # nothing after 40 min
        ([bp(-5, 128, 82), bp(40, 140, 90), bp(100, 130, 85)], None, (-5, 40, None)),  # going on
        ([], 130, (None, None, None)),
    ],
)
def test_blood_pressures_fall_back_to_none_when_no_reading_fits(pressures, end_min, expected):
    end = FIRST + timedelta(minutes=end_min) if end_min is not None else None
    found = rems.checkpoints(pressures, FIRST, end)
    picked = (found.before, found.after_40_min, found.at_end)
    assert tuple(None if p is None else rems.minutes_after(FIRST, p.at) for p in picked) == expected


def test_a_systolic_and_diastolic_pair_only_when_taken_at_the_same_time():
    at = FIRST + timedelta(minutes=40)
    seen = [
        rems.Observation("dbp_mmhg", Decimal(91), at),
        rems.Observation("sbp_mmhg", Decimal("146.4"), at),
        rems.Observation("hr_bpm", Decimal(80), at),
        rems.Observation("sbp_mmhg", Decimal(150), at + timedelta(minutes=5)),  # no diastolic
        rems.Observation("sbp_mmhg", Decimal(128), FIRST),
        rems.Observation("dbp_mmhg", Decimal("82.5"), FIRST),
    ]
    pairs = rems.blood_pressures(seen)
    assert [(p.at, p.text) for p in pairs] == [(FIRST, "128/83"), (at, "146/91")]  # half up


@pytest.mark.parametrize(
    ("classes", "answers"),
    [
        (None, {}),  # the intake does not say: staff answer
        ([], {"benzodiazepines": "no", "non_benzodiazepine_sedative_hypnotics": "no",
              "psychostimulants": "no", "maois": "no", "opioids": "no"}),
        (["benzodiazepine", "maoi", "antidepressant"],
         {"benzodiazepines": "yes", "non_benzodiazepine_sedative_hypnotics": "no",
          "psychostimulants": "no", "maois": "yes", "opioids": "no"}),
        (["non_benzodiazepine_hypnotic", "psychostimulant", "opioid"],
         {"benzodiazepines": "no", "non_benzodiazepine_sedative_hypnotics": "yes",
          "psychostimulants": "yes", "maois": "no", "opioids": "yes"}),
    ],
)  # fmt: skip
def test_concomitant_medicines_come_from_the_intake_classes(classes, answers):
    assert rems.concomitant(classes) == answers


@pytest.mark.parametrize(
    ("sex", "answer"),
    [("female", "female"), ("male", "male"), ("intersex", "other"), ("unknown", "")],
)
def test_sex_at_birth_maps_onto_the_forms_choices(sex, answer):
    assert rems.sex_answer(sex) == answer


@pytest.mark.parametrize(
    ("dose_mg", "answers"),
    [
        (Decimal("56"), {"dose": "56"}),
        (Decimal("84.0"), {"dose": "84"}),
        (Decimal("28"), {"dose": "other", "dose_other_mg": "28"}),
        (Decimal("112"), {"dose": "other", "dose_other_mg": "112"}),
    ],
)
def test_the_dose_is_56_84_or_other_with_its_mg(dose_mg, answers):
    assert rems.dose_answer(dose_mg) == answers


@pytest.mark.parametrize(
    ("full", "parts"),
    [("Grace Hopper", ("Grace", "Hopper")), ("Mary Ann Evans", ("Mary Ann", "Evans")),
     ("Prince", ("", "Prince")), ("  ", ("", ""))],
)  # fmt: skip
def test_a_full_name_splits_before_the_last_word(full, parts):
    assert rems.split_name(full) == parts


def test_adverse_events_answer_the_rems_questions_and_name_the_others():
    events = [
        rems.Event("sedation", resolved=True),
        rems.Event("sedation", resolved=False),
        rems.Event("dissociation", resolved=True),
        rems.Event("nausea", resolved=True),
        rems.Event("blood_pressure_increased", resolved=False),
    ]
    assert rems.event_answers(events) == {
        "sedation": "yes",
        "sedation_resolved": "no",  # one sedation event is still going on
        "dissociation": "yes",
        "dissociation_resolved": "yes",
        "respiratory_depression": "no",
        "other_events": "nausea (resolved); blood pressure increased (not resolved)",
    }
    assert rems.event_answers([])["other_events"] == ""


minutes = st.integers(min_value=-180, max_value=400)
pressure_lists = st.lists(
    st.tuples(minutes, st.integers(90, 200), st.integers(50, 89)), max_size=12
).map(lambda rows: [bp(*row) for row in rows])


@given(pressure_lists, st.one_of(st.none(), st.integers(0, 400)))
def test_each_blood_pressure_comes_from_its_own_window(pressures, end_min):
    end = FIRST + timedelta(minutes=end_min) if end_min is not None else None
    found = rems.checkpoints(pressures, FIRST, end)
    if found.before is not None:
        assert found.before.at <= FIRST
        assert all(p.at <= found.before.at for p in pressures if p.at <= FIRST)
    for after in (found.after_40_min, found.at_end):
        if after is not None:
            assert after.at > FIRST
            assert end is None or after.at <= end
    if found.at_end is not None:
        assert found.after_40_min is not None
        assert found.at_end.at > found.after_40_min.at
        assert end is not None


@given(st.integers(0, 10_000_000))
def test_duration_never_rounds_up(seconds):
    whole = rems.duration_min(FIRST, FIRST + timedelta(seconds=seconds))
    assert whole is not None
    assert whole * 60 <= seconds < (whole + 1) * 60


@given(st.sets(st.sampled_from(REQUIRED), min_size=1))
def test_blanking_required_answers_names_exactly_those(blanked):
    found = rems.gaps(with_answers(**dict.fromkeys(blanked, "")))
    assert set(found) == blanked


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_the_due_day_is_always_a_week_on_and_is_not_yet_overdue(treated):
    due = rems.due_on(treated)
    assert (due - treated).days == rems.SUBMIT_WITHIN_DAYS
    assert not rems.overdue(due, due)
    assert rems.overdue(due, due + timedelta(days=1))
