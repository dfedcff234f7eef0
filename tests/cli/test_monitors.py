"""``ketacare monitors simulate``: synthetic vital signs streamed over a real MLLP socket for every
treatment in dosing or observation, each message acknowledged by the listener and stored."""

from __future__ import annotations

import socket

from sqlalchemy import select

from ketacare.core.enums import TreatmentState
from ketacare.db.models import InboundMessage
from tests.cli.conftest import Run
from tests.factories import Clinic
from tests.services.monitoring import listening, messages, readings_of, treatment_in_chair


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_simulated_monitors_stream_readings_onto_every_treatment_being_dosed_or_observed(
    run: Run, database_url: str, sessions, settings, clinic: Clinic
):
    named = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-01")
    by_mrn = treatment_in_chair(
        sessions,
        clinic.south_site_id,
        mrn="MRN-000002",
        state=TreatmentState.OBSERVATION,
    )
    waiting = treatment_in_chair(
        sessions,
        clinic.north_site_id,
        mrn="MRN-000003",
        chair="Chair 2",
        state=TreatmentState.CHECKED_IN,
    )
    with listening(sessions, settings) as port:
        result = run(database_url, "monitors", "simulate", "--port", str(port), "--rate", "10",
                     "--duration", "1.5")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Chair 1" in result.stdout
    assert "MRN" not in result.stdout  # chairs are shown, never patients
    for chair in (named, by_mrn):
        assert len(readings_of(sessions, chair.treatment_id)) >= 3 * 5  # oximeter rows and a cuff
    assert readings_of(sessions, waiting.treatment_id) == []
    assert {m.result for m in messages(sessions)} == {"AA"}
    sent = len(messages(sessions))
    assert f"Sent {sent} messages from 2 chair(s)." in result.stdout


def test_with_nothing_in_progress_the_simulator_says_so(run: Run, database_url: str):
    result = run(database_url, "monitors", "simulate", "--port", str(free_port()),
                 "--duration", "0.2")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "No treatment is in dosing or observation" in result.stdout


def test_a_listener_that_is_not_there_is_shown_not_raised(
    run: Run, database_url: str, sessions, clinic: Clinic
):
    treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-01")
    port = free_port()
    result = run(database_url, "monitors", "simulate", "--port", str(port), "--duration", "2")
    assert result.exit_code == 0, result.output
    assert f"cannot connect to 127.0.0.1:{port}" in result.stdout
    with sessions() as db:
        assert db.scalars(select(InboundMessage)).first() is None
