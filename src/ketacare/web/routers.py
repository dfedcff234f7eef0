"""Every router of the app, in one list that ``app.create_app`` includes."""

from __future__ import annotations

from fastapi import APIRouter

from ketacare.web.api.v1 import appointments as api_appointments
from ketacare.web.api.v1 import courses as api_courses
from ketacare.web.api.v1 import intakes as api_intakes
from ketacare.web.api.v1 import patients as api_patients
from ketacare.web.api.v1 import protocols as api_protocols
from ketacare.web.api.v1 import staff as api_staff
from ketacare.web.pages import (
    account,
    auth,
    board,
    calendar,
    consent,
    consent_documents,
    course_page,
    courses,
    health,
    instrument_schedules,
    intake,
    live,
    mfa_policy,
    monitors,
    outcome_settings,
    outcomes,
    patient_chart,
    patients,
    portal,
    portal_links,
    protocols,
    rems,
    safety_alerts,
    scheduling_setup,
    screening,
    sign_in_code,
    staff,
    thresholds,
    today,
    treatments,
)

ALL: list[APIRouter] = [
    health.router,
    auth.router,
    sign_in_code.router,
    account.router,
    mfa_policy.router,  # before the staff pages, so /staff/{id} does not swallow /staff/mfa
    api_patients.router,
    api_staff.router,
    api_appointments.router,
    api_intakes.router,
    today.router,
    patients.router,
    patient_chart.router,
    staff.router,
    portal.router,
    portal_links.router,
    outcomes.router,
    instrument_schedules.router,
    safety_alerts.router,
    outcome_settings.router,
    intake.router,
    screening.router,
    consent.router,
    consent_documents.router,
    api_protocols.router,
    api_courses.router,
    protocols.router,
    scheduling_setup.router,
    courses.router,
    course_page.router,
    calendar.router,
    treatments.router,
    board.router,
    live.router,
    thresholds.router,
    monitors.router,
    rems.router,
]
