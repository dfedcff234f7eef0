"""Patient names, MRNs and dates of birth never reach a log, at any level, from any library."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from ketacare.core.enums import Role
from tests.factories import Clinic, add_patient

GIVEN, FAMILY, MRN, BORN = "Zenobia", "Quartermaine", "QX-778201", date(1977, 4, 23)
# The test's own HTTP client logs the URLs it asks for; it is not part of the server: left out.
CLIENT_LOGGERS = ("httpx", "httpx2")
LOGGERS = (
    "",
    "ketacare",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "sqlalchemy.orm",
    "fastapi",
    "starlette",
    "psycopg",
)


def test_viewing_searching_and_editing_a_chart_logs_no_patient_identifiers(
    client_for, sessions, clinic: Clinic, caplog: pytest.LogCaptureFixture
):
    patient = add_patient(
        sessions,
        clinic.north_site_id,
        given_name=GIVEN,
        family_name=FAMILY,
        mrn=MRN,
        date_of_birth=BORN,
    )
    nurse = client_for(Role.NURSE)
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    pages = [
        nurse.get(f"/patients/{patient.id}"),
        nurse.get("/patients/search", params={"q": FAMILY[:5]}),
        nurse.get("/patients/search", params={"q": MRN}),
        nurse.get("/patients/search", params={"q": BORN.isoformat()}),
        nurse.get(f"/patients/{patient.id}/edit"),
        nurse.post_form(
            f"/patients/{patient.id}",
            {
                "mrn": MRN,
                "given_name": GIVEN,
                "family_name": FAMILY + "-Smith",
                "date_of_birth": BORN.isoformat(),
                "sex_at_birth": "female",
                "site_id": str(clinic.north_site_id),
            },
        ),
        nurse.post_form(
            f"/patients/{patient.id}",
            {"mrn": MRN, "given_name": GIVEN, "date_of_birth": "2999-01-01"},
        ),
        nurse.get("/", params={"on": BORN.isoformat()}),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200, 200, 303, 422, 200]
    assert FAMILY in pages[0].text  # the chart did show the patient
    statements = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert statements, "no SQL was captured, so this test would prove nothing"
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}"
        for r in caplog.records
        if r.name.split(".")[0] not in CLIENT_LOGGERS
    ).lower()
    for secret in (
        GIVEN,
        FAMILY,
        MRN,
        BORN.isoformat(),
        BORN.strftime("%Y, %m, %d"),
        "1977, 4, 23",
    ):
        assert secret.lower() not in logged, f"{secret!r} was logged"
