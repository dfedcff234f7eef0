"""Synthetic courses of care for the demo: assessments, past treatments, scores over time,
alerts and schedules.

For the first ``per_site`` patients of each site: an induction of twice-weekly treatments for
three weeks, then one every two weeks, 4 to 8 weeks back from this week's Monday (site time).
Each treatment has a MADRS before the dose and a CADSS at 40 minutes; PHQ-9 and GAD-7 come in
weekly from the portal. Most patients improve, some partly, some not, so the outcome pages show
every class. A few recent PHQ-9s answer item 9 above zero, which raises open safety alerts; one
older alert per site is acknowledged. Every row goes in through the services, so scores, alerts
and the audit trail are exactly what real use would make.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ketacare.core.enums import (
    AppointmentKind,
    AppointmentStatus,
    LocationKind,
    ResponseSource,
    ScheduleRule,
    TimePoint,
)
from ketacare.core.instruments import INSTRUMENTS, score
from ketacare.db.models import Appointment, Location, Patient, Site
from ketacare.services import responses, safety, schedules, synth_assessments
from ketacare.services.context import Actor
from ketacare.services.synth_schedule import TREATMENT_LENGTH, TREATMENT_STARTS

INDUCTION_WEEKS = 3
WEEKDAY_PAIRS = ((0, 3), (1, 4))  # Monday and Thursday, or Tuesday and Friday
# Share of the baseline left at the latest score: responders, partial responders, non-responders.
COURSE_SHAPES = ((0.3, 60), (0.65, 25), (0.95, 15))


@dataclass(frozen=True)
class _Course:
    patient: Patient
    chair_id: int
    starts: time
    weekdays: tuple[int, int]
    first_day: date
    remaining: float  # share of baseline left at the end
    alert_recently: bool


def build_courses(
    db: Session, actor: Actor, reviewer: Actor, seed: int, sites: Sequence[Site], per_site: int
) -> int:
    """Histories for ``per_site`` patients per site; ``reviewer`` acknowledges old alerts."""
    rng = random.Random(seed)  # noqa: S311  (repeatable fake data, not secrets)
    made = 0
    for site in sites:
        for course in _courses(db, rng, actor.at, site, per_site):
            synth_assessments.assess(db, reviewer, rng, course.patient, course.first_day)
            _history(db, actor, rng, site, course)
            made += 1
        _acknowledge_oldest(db, reviewer, site)
        synth_assessments.waiting_list(db, reviewer, rng, site.id, skip=per_site)
    return made


def _courses(
    db: Session, rng: random.Random, now: datetime, site: Site, per_site: int
) -> Iterator[_Course]:
    chairs = db.scalars(
        select(Location.id)
        .where(Location.site_id == site.id, Location.kind == LocationKind.CHAIR)
        .order_by(Location.name)
    ).all()
    patients = db.scalars(
        select(Patient).where(Patient.site_id == site.id).order_by(Patient.id).limit(per_site)
    ).all()
    monday = _monday(now, site)
    for k, patient in enumerate(patients):
        # Chair, slot and weekdays differ for each patient of a site: no two past bookings clash.
        slot = k // len(chairs)
        weeks_back = 4 + k % 5
        remaining = rng.choices([s for s, _ in COURSE_SHAPES], [w for _, w in COURSE_SHAPES])[0]
        yield _Course(
            patient, chairs[k % len(chairs)], TREATMENT_STARTS[slot % len(TREATMENT_STARTS)],
            WEEKDAY_PAIRS[(slot // len(TREATMENT_STARTS)) % len(WEEKDAY_PAIRS)],
            monday - timedelta(weeks=weeks_back), remaining, alert_recently=k % 9 == 4,
        )  # fmt: skip


def _monday(now: datetime, site: Site) -> date:
    today = now.astimezone(ZoneInfo(site.timezone)).date()
    return today - timedelta(days=today.weekday())


def _treatment_days(course: _Course, until: date) -> list[date]:
    days, week = [], 0
    while (start := course.first_day + timedelta(weeks=week)) < until:
        picked = course.weekdays if week < INDUCTION_WEEKS else course.weekdays[:1]
        if week < INDUCTION_WEEKS or (week - INDUCTION_WEEKS) % 2 == 1:
            days += [start + timedelta(days=d) for d in picked if start + timedelta(days=d) < until]
        week += 1
    return days


def _history(db: Session, actor: Actor, rng: random.Random, site: Site, course: _Course) -> None:
    zone = ZoneInfo(site.timezone)
    until = _monday(actor.at, site)
    treatments = _treatment_days(course, until)
    for n, day in enumerate(treatments):
        start = datetime.combine(day, course.starts, tzinfo=zone)
        _book_past_treatment(db, course, start)
        progress = _progress(n, len(treatments))
        madrs = _total(rng, 32, course.remaining, progress, INSTRUMENTS["madrs"].total_range[1])
        cadss = max(0, round(22 * (1 - 0.6 * progress)) + rng.randint(-3, 3))  # attenuates [SINGH]
        time_point = TimePoint.BASELINE if n == 0 else TimePoint.PRE_DOSE
        _store(
            db,
            actor,
            rng,
            course.patient,
            "madrs",
            madrs,
            start - timedelta(minutes=20),
            time_point,
            ResponseSource.CLINICIAN,
        )
        _store(
            db,
            actor,
            rng,
            course.patient,
            "cadss",
            cadss,
            start + timedelta(minutes=40),
            TimePoint.DURING_40_MIN,
            ResponseSource.CLINICIAN,
        )
    _weekly_self_reports(db, actor, rng, course, zone, actor.at.astimezone(zone).date())
    _schedule(db, actor, course)


def _weekly_self_reports(
    db: Session, actor: Actor, rng: random.Random, course: _Course, zone: ZoneInfo, today: date
) -> None:
    # Some patients stop answering a week or two ago, so the Today page has overdue questionnaires.
    last = today - timedelta(days=course.patient.id % 12)
    days = [course.first_day - timedelta(days=1)]
    while days[-1] + timedelta(days=7) <= last:
        days.append(days[-1] + timedelta(days=7))
    for n, day in enumerate(days):
        at = datetime.combine(day, time(19, 30), tzinfo=zone)
        progress = _progress(n, len(days))
        phq9 = _total(rng, 20, course.remaining, progress, 27)
        item9 = 1 if course.alert_recently and n == len(days) - 1 else 0
        time_point = TimePoint.BASELINE if n == 0 else TimePoint.SCHEDULED
        _store(
            db,
            actor,
            rng,
            course.patient,
            "phq9",
            phq9,
            at,
            time_point,
            ResponseSource.PORTAL,
            item9=item9,
        )
        gad7 = _total(rng, 14, course.remaining, progress, 21)
        _store(db, actor, rng, course.patient, "gad7", gad7, at, time_point, ResponseSource.PORTAL)


def _progress(n: int, count: int) -> float:
    return n / max(count - 1, 1)


def _total(rng: random.Random, baseline: int, remaining: float, progress: float, top: int) -> int:
    """A score on the way from ``baseline`` to ``remaining`` times baseline, with some noise."""
    target = baseline * (1 - (1 - remaining) * progress) + rng.randint(-2, 2)
    return max(0, min(top, round(target)))


# The items that raise safety alerts; held at 0 unless a course is meant to raise one.
SAFETY_ITEMS = {"phq9": 9, "madrs": 10}


def _answers(rng: random.Random, code: str, total: int, safety_answer: int = 0) -> list[int]:
    """Item answers that add up to ``total``, with the safety item (if any) set apart."""
    items = INSTRUMENTS[code].items
    answers = [item.options[0].value for item in items]
    held = SAFETY_ITEMS.get(code)
    free = [i for i, item in enumerate(items) if item.number != held]
    if held is not None:
        answers[held - 1] = safety_answer
    left = total - sum(answers)
    while left > 0:
        i = rng.choice([i for i in free if answers[i] < items[i].options[-1].value])
        answers[i] += 1
        left -= 1
    return answers


def _store(db: Session, actor: Actor, rng: random.Random, patient: Patient, code: str,
           total: int, at: datetime, time_point: TimePoint, source: ResponseSource,
           item9: int = 0) -> None:  # fmt: skip
    scored = score(code, _answers(rng, code, total, safety_answer=item9))
    responses.store(db, actor, patient, scored, time_point.value, at, source, None, synthetic=True)


def _book_past_treatment(db: Session, course: _Course, start: datetime) -> None:
    db.add(Appointment(
        patient_id=course.patient.id, site_id=course.patient.site_id, location_id=course.chair_id,
        starts_at=start, ends_at=start + TREATMENT_LENGTH, kind=AppointmentKind.TREATMENT.value,
        status=AppointmentStatus.COMPLETED.value, note="",
    ))  # fmt: skip


def _schedule(db: Session, actor: Actor, course: _Course) -> None:
    every = ScheduleRule.EVERY_N_DAYS.value
    pid = course.patient.id
    schedules.add_schedule(db, actor, pid, "phq9", every, course.first_day, interval_days=7)
    schedules.add_schedule(db, actor, pid, "gad7", every, course.first_day, interval_days=14)


def _acknowledge_oldest(db: Session, reviewer: Actor, site: Site) -> None:
    """Close the site's oldest open alert the way a prescriber would, so both kinds show."""
    rows = safety.open_alerts(db, reviewer, site_ids=[site.id])
    if rows:
        oldest = min(rows, key=lambda row: row.alert.raised_at)
        note = "Called the patient the same evening; safety plan reviewed, no plan or intent."
        safety.acknowledge(db, reviewer, oldest.alert.id, note)
