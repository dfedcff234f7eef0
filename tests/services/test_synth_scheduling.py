"""The demo clinic's scheduling: sites open on weekdays and Saturday mornings, two holidays, a
nurse and a prescriber on duty throughout, except the first site's prescriber on Wednesday
afternoons and on a training day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from ketacare.core.enums import LocationKind
from ketacare.core.scheduling.model import OnDuty, Opening, SiteCalendar
from ketacare.db.models import Site
from ketacare.services import clinic, rota, scheduling_setup, setup, staff, synth_scheduling
from ketacare.services.context import Actor

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 23 November, 10:00 in New York
SYSTEM = Actor(None, NOW)
WEEK = (date(2026, 11, 30), date(2026, 12, 6))  # Monday to Sunday, a week later
TRAINING_DAY = date(2026, 12, 11)  # the Friday after that


def demo_like_organization(db: Session) -> list[Site]:
    """Two New York sites with chairs and the demo's staff, one per role at both sites."""
    org = clinic.create_organization(db, SYSTEM, "Demo-shaped Clinic")
    sites = []
    for code, name, timezone in setup.DEMO_SITES:
        site = clinic.add_site(db, SYSTEM, org, code, name, timezone)
        clinic.add_location(db, SYSTEM, site, "Chair 1", LocationKind.CHAIR)
        sites.append(site)
    for person in setup.demo_sign_ins():
        grants = [(site.id, person.role) for site in sites]
        staff.add(db, SYSTEM, org.id, person.email, person.full_name, setup.DEMO_PASSWORD, grants)
    synth_scheduling.seed_demo_scheduling(db, SYSTEM, org.id)
    return sites


@pytest.fixture
def demo(sessions) -> tuple[SiteCalendar, SiteCalendar]:  # type: ignore[no-untyped-def]
    with sessions() as db, db.begin():
        north, south = demo_like_organization(db)
        return tuple(  # type: ignore[return-value]
            scheduling_setup.site_calendar(db, site.id, WEEK[0], TRAINING_DAY)
            for site in (north, south)
        )


def local_hours(cal: SiteCalendar, duty: OnDuty) -> tuple[date, time, time]:
    starts, ends = duty.starts_at.astimezone(cal.zone), duty.ends_at.astimezone(cal.zone)
    return starts.date(), starts.time(), ends.time()


def covering(cal: SiteCalendar, role: str, day: date) -> list[tuple[time, time]]:
    """The site-local hours people in ``role`` are on duty on ``day``."""
    spans = (local_hours(cal, d) for d in cal.on_duty if d.role == role)
    return [(starts, ends) for on, starts, ends in spans if on == day]


def test_every_site_opens_weekdays_and_saturday_morning(demo):
    for cal in demo:
        assert cal.zone == ZoneInfo("America/New_York")
        assert cal.opening == {
            **dict.fromkeys(range(5), Opening(time(8), time(18))),
            5: Opening(time(9), time(13)),
        }


def test_every_site_closes_on_the_holidays(sessions):
    with sessions() as db, db.begin():
        for site in demo_like_organization(db):
            cal = scheduling_setup.site_calendar(db, site.id, date(2026, 12, 1), date(2027, 1, 31))
            assert cal.closed_on == {
                date(2026, 12, 25): "Christmas Day",
                date(2027, 1, 1): "New Year's Day",
            }


def test_a_nurse_and_a_prescriber_cover_the_opening_hours_at_every_site(demo):
    _, south = demo
    for cal in demo:
        for offset in range(7):
            day = WEEK[0] + timedelta(days=offset)
            opening = cal.opening.get(day.weekday())
            hours = [] if opening is None else [(opening.opens, opening.closes)]
            assert covering(cal, "nurse", day) == hours
            if cal is south or day.weekday() != synth_scheduling.HALF_DAY_WEEKDAY:
                assert covering(cal, "prescriber", day) == hours


def test_the_first_sites_prescriber_leaves_at_noon_on_wednesdays(demo):
    north, _ = demo
    wednesday = WEEK[0] + timedelta(days=2)
    assert covering(north, "prescriber", wednesday) == [(time(8), time(12))]
    assert covering(north, "nurse", wednesday) == [(time(8), time(18))]


def test_the_first_sites_prescriber_is_away_on_a_training_day(demo):
    north, south = demo
    assert TRAINING_DAY.weekday() == 4
    assert covering(north, "prescriber", TRAINING_DAY) == []
    assert covering(north, "nurse", TRAINING_DAY) == [(time(8), time(18))]
    assert covering(south, "prescriber", TRAINING_DAY) == [(time(8), time(18))]


def test_each_further_site_has_staff_of_its_own(sessions):
    with sessions() as db, db.begin():
        north, south = demo_like_organization(db)
        north_people = {e.staff_user_id for e in rota.rota_of(db, north.id)}
        south_people = {e.full_name for e in rota.rota_of(db, south.id)}
        assert len(north_people) == 2
        assert south_people == {name for _, name in synth_scheduling.SITE_COLLEAGUES[0]}
        emails = [u.email for u, _ in rota.duty_staff(db, south.id)]
        assert f"nurse.s@{setup.DEMO_EMAIL_DOMAIN}" in emails
