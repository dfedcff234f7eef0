"""Planning a course on a busy site, timed twice: the functional core on a calendar held in memory,
and the course service the web page calls, which loads that calendar from a database first.

Target: median under 50 ms. The site: 8 chairs, a rota and 500 treatments already booked over the
next six weeks. Both runs plan the same seeded orders (a 6-treatment IV ketamine induction from a
random weekday, with random preferred weekdays and time), so their proposals can be compared:
the service on a database must propose what the core proposes in memory.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from time import perf_counter
from zoneinfo import ZoneInfo

from bench.timing import Timings
from ketacare.core.protocols.defaults import DEFAULT_PROTOCOLS
from ketacare.core.protocols.model import ClinicDefault
from ketacare.core.protocols.schedule import plan_phase
from ketacare.core.protocols.timing import chair_minutes
from ketacare.core.scheduling.defaults import DEFAULT_SETTINGS
from ketacare.core.scheduling.model import (
    DutyRole,
    OnDuty,
    Opening,
    SchedulingError,
    SiteCalendar,
    Slot,
    TreatmentNeeds,
)
from ketacare.core.scheduling.series import book_series, with_booked
from ketacare.core.scheduling.slots import find_slot

TARGET_MEDIAN_MS = 50.0
SEED = 20261130
CHAIRS = 8
EXISTING = 500
RUNS = 200
PATIENTS = 200  # in the database run: the booked treatments' and the orders' patients
WARM_UP = 20
ZONE = "America/Chicago"
FIRST_MONDAY = date(2026, 11, 30)
CLOSED_ON = (FIRST_MONDAY + timedelta(days=24), "Christmas Eve")
BOOKED_WEEKS, CALENDAR_WEEKS = 6, 8
# The bench clinic keeps the shipped scheduling settings (clinic choices, not clinical values:
# core/scheduling/defaults.py); the database run saves them as its admin would.
SETTINGS = DEFAULT_SETTINGS
# The shipped IV protocol leaves the observation time for the clinic to set (the clinical reference
# gives none); the bench sets 60 min, as a clinic would: on a copy here, as a new protocol version
# in the database run.
OBSERVATION_MIN = 60
OBSERVATION_NOTE = "set for the benchmark, as a clinic would"
IV_CODE = "iv_ketamine_depression"
IV = replace(
    DEFAULT_PROTOCOLS[IV_CODE],
    min_observation_min=ClinicDefault(OBSERVATION_MIN, OBSERVATION_NOTE),
)
# The shipped IV protocol's clinic default; the database run reads it from the stored version.
MIN_INTERVAL = timedelta(hours=48)
WEEKDAY_HOURS = Opening(time(8), time(18))
SATURDAY_HOURS = Opening(time(9), time(13))
OPENING = {**dict.fromkeys(range(5), WEEKDAY_HOURS), 5: SATURDAY_HOURS}
# (role, from, to) per person: on weekdays three early and three late nurses, so all 8 chairs are
# covered from 10:00 to 16:00 and 6 before and after, and a prescriber; fewer on Saturdays.
Shift = tuple[DutyRole, time, time]
EARLY_NURSE: Shift = ("nurse", time(7, 30), time(16))
LATE_NURSE: Shift = ("nurse", time(10), time(18, 30))
WEEKDAY_ROTA: tuple[Shift, ...] = (
    *[EARLY_NURSE] * 3,
    *[LATE_NURSE] * 3,
    ("prescriber", time(8), time(18)),
)
SATURDAY_ROTA: tuple[Shift, ...] = (
    ("nurse", time(8, 30), time(13, 30)),
    ("nurse", time(8, 30), time(13, 30)),
    ("prescriber", time(9), time(13)),
)


WHAT_IS_TIMED = (
    f"Planning a 6-treatment IV ketamine induction (three a week, 48 h apart) on a site with "
    f"{CHAIRS} chairs, a rota (three early and three late nurses, each covering two chairs; a "
    f"prescriber) and {EXISTING} treatments already booked over the next {BOOKED_WEEKS} weeks. "
    f"{RUNS} orders from seeded random start days (Monday to Friday), preferred weekdays and "
    "times; an order refused with a reason counts too. The IV protocol's observation time, "
    f"which the clinic must set, is {OBSERVATION_MIN} min here. "
    f"Target: median under {TARGET_MEDIAN_MS:.0f} ms.",
    "- **In memory**: `plan_phase` + `chair_minutes` + `book_series` from `ketacare.core` on "
    "the calendar held in memory.\n"
    "- **SQLite / PostgreSQL**: `services.course_planning.propose`, what the course order page "
    "calls: it checks the order, loads the protocol version, the scheduling settings and the "
    "site's calendar (opening hours, closed days, rota, chairs and the booked treatments) from "
    "the database, and plans. The site was set up through the services (opening hours, rota "
    f"lines, settings, a new protocol version, each booking, {PATIENTS} synthetic patients "
    "taking turns). Each order runs in a transaction of its own; the commit is not timed.",
)


@dataclass(frozen=True)
class Order:
    """What the bench varies from one order to the next."""

    start_on: date
    weekdays: tuple[int, ...]
    preferred_time: time


Proposed = tuple[Slot, ...] | None  # None: refused with a reason
Timed = tuple[float, Proposed]  # seconds, and what was proposed


@dataclass(frozen=True)
class PlanningRun:
    """One way of planning the same orders: ``label`` says which; ``agree`` counts the orders
    proposed exactly as the core proposes them in memory (None for the core itself)."""

    label: str
    timings: Timings
    refused: int
    agree: int | None


def shifts_on(weekday: int) -> tuple[Shift, ...]:
    """The rota of an open weekday (0 Monday .. 5 Saturday)."""
    return SATURDAY_ROTA if weekday == 5 else WEEKDAY_ROTA


def _rota(zone: ZoneInfo, days: list[date]) -> tuple[OnDuty, ...]:
    duty: list[OnDuty] = []
    for day in days:
        for staff, (role, start, end) in enumerate(shifts_on(day.weekday()), start=1):
            duty.append(
                OnDuty(staff, role, *(datetime.combine(day, t, zone) for t in (start, end)))
            )
    return tuple(duty)


def busy_site(rng: random.Random) -> SiteCalendar:
    """8 chairs, weekdays and Saturday mornings, and ``EXISTING`` single treatments booked over
    the first six weeks by the scheduler itself (so they keep every rule), at random times."""
    zone = ZoneInfo(ZONE)
    days = [FIRST_MONDAY + timedelta(days=n) for n in range(7 * CALENDAR_WEEKS)]
    open_days = [d for d in days if d.weekday() < 6]
    calendar = SiteCalendar(
        zone=zone,
        opening=OPENING,
        closed_on=dict([CLOSED_ON]),
        chair_ids=tuple(range(1, CHAIRS + 1)),
        bookings=(),
        on_duty=_rota(zone, open_days),
        chairs_per_nurse=SETTINGS.chairs_per_nurse,
        slot_step_min=SETTINGS.slot_step_min,
    )
    booked_days = open_days[: 6 * BOOKED_WEEKS]
    while len(calendar.bookings) < EXISTING:
        needs = TreatmentNeeds(rng.choice([60, 115, 140, 150]), preferred_start=_any_time(rng))
        try:
            slot = find_slot(calendar, needs, rng.choice(booked_days))
        except SchedulingError:
            continue
        calendar = with_booked(calendar, [slot])
    return calendar


def _any_time(rng: random.Random) -> time:
    return time(rng.randint(8, 16), rng.choice([0, 15, 30, 45]))


def random_orders(rng: random.Random) -> list[Order]:
    """``WARM_UP`` + ``RUNS`` orders starting Monday to Friday in the first two weeks."""
    orders = []
    for _ in range(WARM_UP + RUNS):
        start = FIRST_MONDAY + timedelta(weeks=rng.randrange(2), days=rng.randrange(5))
        weekdays = tuple(sorted(rng.sample(range(5), rng.randint(0, 3))))
        orders.append(Order(start, weekdays, _any_time(rng)))
    return orders


def _plan_once(calendar: SiteCalendar, order: Order) -> Timed:
    began = perf_counter()
    try:
        days = plan_phase(IV, "induction", order.start_on, order.weekdays or None)
        needs = TreatmentNeeds(
            chair_minutes(IV, None, SETTINGS.check_in_min),
            preferred_weekdays=frozenset(order.weekdays),
            preferred_start=order.preferred_time,
        )
        slots: Proposed = tuple(
            book_series(calendar, needs, days, MIN_INTERVAL, max_shift_days=SETTINGS.max_shift_days)
        )
    except SchedulingError:
        slots = None
    return perf_counter() - began, slots


@dataclass(frozen=True)
class InMemory:
    """The busy site and the orders every run plans, with the core's proposals to compare with."""

    calendar: SiteCalendar
    orders: tuple[Order, ...]
    in_memory: tuple[Timed, ...]

    @property
    def proposals(self) -> list[Proposed]:
        return [slots for _, slots in self.in_memory]


def in_memory() -> InMemory:
    """Build the site and the orders from ``SEED``, then time the core on each order after the
    warm-up."""
    rng = random.Random(SEED)
    calendar = busy_site(rng)
    orders = random_orders(rng)
    for order in orders[:WARM_UP]:
        _plan_once(calendar, order)
    timed = tuple(_plan_once(calendar, order) for order in orders[WARM_UP:])
    return InMemory(calendar, tuple(orders), timed)


def summary(
    label: str, timed: Sequence[Timed], core: Sequence[Proposed] | None = None
) -> PlanningRun:
    """``timed``: one (seconds, proposal) per order, in the order ``core`` has them."""
    proposed = [slots for _, slots in timed]
    refused = sum(slots is None for slots in proposed)
    agree = None
    if core is not None:
        agree = sum(mine == theirs for mine, theirs in zip(proposed, core, strict=True))
    return PlanningRun(label, Timings.of([s for s, _ in timed]), refused, agree)


def report(runs: Sequence[PlanningRun], machine: str) -> str:
    """The markdown section for docs/benchmarks.md; ``machine`` says where and when it ran."""
    table = [
        "| Planned | Orders | Refused | Same as in memory | Median | p95 | Max | Target met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        t = run.timings
        met = "yes" if t.median_ms < TARGET_MEDIAN_MS else "**no**"
        table.append(
            f"| {run.label} | {t.count} | {run.refused} | {_agreeing(run)} "
            f"| {t.median_ms:.2f} ms | {t.p95_ms:.2f} ms | {t.max_ms:.2f} ms | {met} |"
        )
    return "\n\n".join(["## Course planning", machine, *WHAT_IS_TIMED, "\n".join(table)])


def _agreeing(run: PlanningRun) -> str:
    return "(the reference)" if run.agree is None else f"{run.agree} of {run.timings.count}"
