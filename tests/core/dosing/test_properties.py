"""Properties over many inputs: the pump delivers the bag in the time, within half a rate step;
no dose above a cap without an override; rounding is half-up whatever the decimal context."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ketacare.core.dosing import DosingError, PrescriberOverride, plan_infusion, plan_rate_infusion
from ketacare.core.dosing.quantities import round_half_up

weights = st.decimals(min_value="20", max_value="350", places=1)
doses = st.decimals(min_value="0.05", max_value="2", places=2)
durations = st.integers(min_value=1, max_value=600) | st.decimals(
    min_value="1", max_value="600", places=1
)
stocks = st.sampled_from([Decimal("10"), Decimal("50"), Decimal("100")])
bags = st.decimals(min_value="50", max_value="1000", places=0)
caps = st.none() | st.decimals(min_value="1", max_value="400", places=1)
caps_per_kg = st.none() | st.decimals(min_value="0.1", max_value="2", places=2)
overrides = st.none() | st.builds(
    PrescriberOverride, st.integers(1, 10**6), st.just("clinical need")
)
HALF_RATE_STEP = Fraction(1, 20)  # 0.05 mL/h: half of the 0.1 mL/h rounding step


@given(weights, doses, durations, stocks, bags)
def test_the_rate_over_the_duration_delivers_the_bag_within_half_a_rate_step(
    weight: Decimal, dose: Decimal, duration: int | Decimal, stock: Decimal, bag: Decimal
):
    p = plan_infusion(
        weight_kg=weight,
        dose_mg_per_kg=dose,
        duration_min=duration,
        stock_mg_per_ml=stock,
        bag_ml=bag,
    )
    hours = Fraction(duration) / 60
    # |rate - total/hours| <= 0.05 mL/h, so the volume delivered is off by at most 0.05 x hours.
    delivered = Fraction(p.rate_ml_per_h) * hours
    assert abs(delivered - Fraction(p.total_ml)) <= HALF_RATE_STEP * hours
    assert p.total_ml == p.bag_ml + p.drug_ml


@given(weights, doses, caps, caps_per_kg, overrides)
def test_a_dose_is_never_above_a_cap_unless_a_prescriber_overrode_it(
    weight: Decimal,
    dose: Decimal,
    cap_mg: Decimal | None,
    cap_mg_per_kg: Decimal | None,
    override: PrescriberOverride | None,
):
    try:
        p = plan_infusion(
            weight_kg=weight,
            dose_mg_per_kg=dose,
            duration_min=40,
            stock_mg_per_ml=Decimal("10"),
            bag_ml=Decimal("100"),
            cap_mg=cap_mg,
            cap_mg_per_kg=cap_mg_per_kg,
            override=override,
        )
    except DosingError:
        assert override is None
        return
    above = (cap_mg is not None and p.dose_mg > cap_mg) or (
        cap_mg_per_kg is not None and p.dose_mg_per_kg > cap_mg_per_kg
    )
    assert p.overridden == above
    assert (p.override is override) if above else (p.override is None and not p.cap_exceeded)


@given(weights, doses, caps, overrides)
def test_an_hourly_dose_is_never_above_its_cap_unless_overridden(
    weight: Decimal,
    dose: Decimal,
    cap_mg_per_h: Decimal | None,
    override: PrescriberOverride | None,
):
    try:
        p = plan_rate_infusion(
            weight_kg=weight,
            dose_mg_per_kg_per_h=dose,
            concentration_mg_per_ml=Decimal("1"),
            cap_mg_per_h=cap_mg_per_h,
            override=override,
        )
    except DosingError:
        assert override is None
        return
    assert p.overridden == (cap_mg_per_h is not None and p.dose_mg_per_h > cap_mg_per_h)


@given(
    st.decimals(min_value="-1000", max_value="1000", places=4),
    st.sampled_from([Decimal("0.1"), Decimal("0.01"), Decimal("0.001")]),
    st.integers(min_value=1, max_value=5),
)
def test_rounding_is_decimal_half_up_and_ignores_the_callers_context(
    value: Decimal, step: Decimal, precision: int
):
    expected = value.quantize(step, rounding=ROUND_HALF_UP)
    with localcontext() as context:
        context.prec = precision  # a careless caller's context must not change a dose
        rounded = round_half_up(Fraction(value), step)
    assert rounded == expected
    assert rounded.as_tuple().exponent == step.as_tuple().exponent
