"""Crash safety: ``ketacare serve`` runs as a real process, monitors stream to it over MLLP on
several connections, and the process is killed (SIGKILL) in the middle of the stream. Every
message that was answered AA must be in the database, whole, after the crash; and the server
starts again on the same database and goes on storing. Runs on SQLite (WAL, synchronous=NORMAL,
the default) and, with KETACARE_TEST_DB=postgresql, on PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import Vital
from ketacare.db.models import InboundMessage, Reading
from ketacare.services.monitor_simulator import oru_message
from tests.conftest import TEST_SECRET
from tests.factories import Clinic
from tests.services.monitoring import treatment_in_chair, unframed
from tests.services.test_monitor_feed import AT, msa

CONNECTIONS = 8
KILL_AFTER_AA = 300
READINGS_PER_MESSAGE = 3
KETACARE = Path(sys.executable).with_name("ketacare")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(database_url: str, data_dir: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``ketacare serve`` in production mode on ``database_url``; yields it once the MLLP port
    takes connections. Killed (if still running) on the way out."""
    mllp_port = free_port()
    env = {
        **os.environ,
        "KETACARE_MODE": "production",
        "KETACARE_SECRET_KEY": TEST_SECRET,
        "KETACARE_DATABASE_URL": database_url,
        "KETACARE_DATA_DIR": str(data_dir),
        "KETACARE_JOBS_WORKER": "false",
    }
    command = [str(KETACARE), "serve", "--port", str(free_port()), "--mllp-port", str(mllp_port)]
    log = data_dir / f"serve-{mllp_port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for(mllp_port, process, log)
        yield process, mllp_port
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"ketacare serve exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the MLLP listener did not start within 60 s")


class Monitor(threading.Thread):
    """One connection sending messages one after another until the server goes away; keeps the
    control ids that were answered AA."""

    def __init__(self, number: int, port: int, acked: list[str], enough: threading.Event):
        super().__init__(daemon=True)
        self.number, self.port, self.acked, self.enough = number, port, acked, enough

    def run(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port)) as connection:
            connection.settimeout(30)
            sent = 0
            while True:
                control_id = f"K{self.number}-{sent}"
                try:
                    connection.sendall(b"\x0b" + message(control_id) + b"\x1c\r")
                    answer = _receive(connection)
                except OSError:
                    return
                if not answer:
                    return
                if msa(unframed(answer))[0] == "AA":
                    self.acked.append(control_id)
                    if len(self.acked) >= KILL_AFTER_AA:
                        self.enough.set()
                sent += 1


def _receive(connection: socket.socket) -> bytes:
    answer = b""
    while not answer.endswith(b"\x1c\r"):
        chunk = connection.recv(4096)
        if not chunk:
            return b""
        answer += chunk
    return answer


def message(control_id: str) -> bytes:
    values = {
        Vital.SPO2_PERCENT: Decimal(97),
        Vital.HR_BPM: Decimal(72),
        Vital.RR_PER_MIN: Decimal(14),
    }
    return oru_message(control_id, AT, values, point_of_care="CHAIR-03")


def stored(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Readings per control id of the messages answered AA."""
    with sessions() as db:
        rows = db.execute(
            select(InboundMessage.control_id, func.count(Reading.id))
            .outerjoin(Reading, Reading.inbound_message_id == InboundMessage.id)
            .where(InboundMessage.result == "AA")
            .group_by(InboundMessage.control_id)
        )
        return {control_id: readings for control_id, readings in rows}


def test_every_message_answered_aa_survives_the_server_being_killed_mid_stream(
    sessions, database_url: str, clinic: Clinic, tmp_path: Path
):
    chair = treatment_in_chair(sessions, clinic.north_site_id, point_of_care="CHAIR-03")
    acked: list[str] = []
    enough = threading.Event()
    with server(database_url, tmp_path) as (process, port):
        monitors = [Monitor(n, port, acked, enough) for n in range(CONNECTIONS)]
        for monitor in monitors:
            monitor.start()
        assert enough.wait(timeout=120), f"only {len(acked)} AA before the time ran out"
        process.send_signal(signal.SIGKILL)  # mid-stream: every connection has one in flight
        process.wait(timeout=30)
        for monitor in monitors:
            monitor.join(timeout=30)
    answered = list(acked)
    kept = stored(sessions)
    assert len(answered) >= KILL_AFTER_AA
    assert {c: kept.get(c) for c in answered} == dict.fromkeys(answered, READINGS_PER_MESSAGE)
    with (
        server(database_url, tmp_path) as (_, port),
        socket.create_connection(("127.0.0.1", port)) as again,
    ):
        again.sendall(b"\x0b" + message("AFTER-RESTART") + b"\x1c\r")
        assert msa(unframed(_receive(again)))[:2] == ("AA", "AFTER-RESTART")
    with sessions() as db:
        total = db.scalar(
            select(func.count(Reading.id)).where(Reading.treatment_id == chair.treatment_id)
        )
    assert total == READINGS_PER_MESSAGE * len(stored(sessions))
