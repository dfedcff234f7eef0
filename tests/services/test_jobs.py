"""The job queue: due jobs run once, failures back off and then give up, withdrawn jobs never
run, two claimers never share a job, and jobs survive a restart or a worker that died."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import JobStatus
from ketacare.core.errors import ConfigurationError
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.models import Job
from ketacare.interop.mail import MailNotSent
from ketacare.services import jobs
from ketacare.settings import Settings
from ketacare.web.app import create_app

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def wait_until(ready: Callable[[], bool], timeout_seconds: float = 15) -> None:
    """Poll ``ready`` until it holds; fail the test when it never does."""
    deadline = time.monotonic() + timeout_seconds
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"not ready after {timeout_seconds} s")
        time.sleep(0.02)


def quick(settings: Settings) -> Settings:
    """The test settings with a worker that polls often, so tests wait little."""
    return settings.model_copy(update={"jobs_poll_seconds": 0.05})


@contextmanager
def running_worker(
    sessions: sessionmaker[Session], handlers: Mapping[str, jobs.Handler], settings: Settings
) -> Iterator[jobs.Worker]:
    worker = jobs.Worker(sessions, handlers, quick(settings))
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def job_row(sessions: sessionmaker[Session], job_id: int) -> Job:
    with sessions() as db:
        row = db.get(Job, job_id)
        assert row is not None
        return row


def status_of(sessions: sessionmaker[Session], job_id: int) -> str:
    return job_row(sessions, job_id).status


class Recorder:
    """A handler that notes which jobs it ran (from any thread)."""

    def __init__(self) -> None:
        self.ran: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, db: Session, job: Job, ctx: jobs.JobContext) -> None:
        with self._lock:
            self.ran.append(job.id)


def add(
    sessions: sessionmaker[Session], count: int = 1, run_at: datetime = NOW, **kw: str
) -> list[int]:
    with sessions() as db, db.begin():
        made = [jobs.enqueue(db, "note", run_at, {"n": n}, now=NOW, **kw) for n in range(count)]
        return [job.id for job in made]


def run(sessions, settings, handlers, at: datetime = NOW) -> int:  # type: ignore[no-untyped-def]
    return jobs.run_pending(sessions, at, handlers, settings=settings, limit=50)


def test_a_due_job_runs_once_and_is_marked_done(sessions, settings):
    [job_id] = add(sessions)
    recorder = Recorder()
    assert run(sessions, settings, {"note": recorder}) == 1
    assert run(sessions, settings, {"note": recorder}) == 0
    assert recorder.ran == [job_id]
    row = job_row(sessions, job_id)
    assert (row.status, row.attempts, row.finished_at, row.lease_until) == ("done", 1, NOW, None)


def test_a_job_waits_for_its_time(sessions, settings):
    [job_id] = add(sessions, run_at=NOW + timedelta(hours=1))
    recorder = Recorder()
    assert run(sessions, settings, {"note": recorder}, NOW + timedelta(minutes=59)) == 0
    assert run(sessions, settings, {"note": recorder}, NOW + timedelta(hours=1)) == 1
    assert recorder.ran == [job_id]


def refuse(db: Session, job: Job, ctx: jobs.JobContext) -> None:
    raise MailNotSent("The mail server refused <ada@example.org> (550 mailbox unavailable).")


def test_a_failing_job_is_retried_after_1_5_and_30_minutes_then_given_up(sessions, settings):
    [job_id] = add(sessions)
    at = NOW
    for minutes in (1, 5, 30):
        assert run(sessions, settings, {"note": refuse}, at) == 1
        row = job_row(sessions, job_id)
        assert (row.status, row.run_at) == ("pending", at + timedelta(minutes=minutes))
        at = row.run_at
    assert run(sessions, settings, {"note": refuse}, at) == 1
    row = job_row(sessions, job_id)
    assert (row.status, row.attempts, row.finished_at) == ("failed", jobs.MAX_ATTEMPTS, at)
    assert row.last_error == "The mail server refused <<address>> (550 mailbox unavailable)."
    assert run(sessions, settings, {"note": refuse}, at + timedelta(days=1)) == 0


def test_an_unexpected_error_is_kept_as_its_class_name_only(sessions, settings):
    def leak(db: Session, job: Job, ctx: jobs.JobContext) -> None:
        raise ValueError("Ada Lovelace, born 1985-12-10")

    [job_id] = add(sessions)
    run(sessions, settings, {"note": leak})
    row = job_row(sessions, job_id)
    assert (row.status, row.run_at) == ("pending", NOW + timedelta(minutes=1))
    assert "ValueError" in row.last_error
    assert "Ada" not in row.last_error
    assert "1985" not in row.last_error


def test_a_job_of_unknown_kind_fails_at_once_saying_so(sessions, settings):
    [job_id] = add(sessions)
    assert run(sessions, settings, {}) == 1
    row = job_row(sessions, job_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "No handler for job kind 'note'."


def test_the_handlers_changes_are_rolled_back_when_it_fails(sessions, settings):
    def half_done(db: Session, job: Job, ctx: jobs.JobContext) -> None:
        jobs.enqueue(db, "note", NOW, {}, subject="side effect", now=NOW)
        raise ConfigurationError("E-mail is not configured.")

    add(sessions)
    run(sessions, settings, {"note": half_done})
    with sessions() as db:
        assert db.scalars(select(Job).where(Job.subject == "side effect")).all() == []


def test_withdraw_cancels_only_the_subjects_pending_jobs_of_the_kinds_asked(sessions, settings):
    ours = add(sessions, 2, subject="appointment:1")
    theirs = add(sessions, subject="appointment:2")
    with sessions() as db, db.begin():
        jobs.enqueue(db, "other", NOW, {}, subject="appointment:1", now=NOW)
        assert jobs.withdraw(db, "appointment:1", ["note"], now=NOW) == 2
        assert jobs.withdraw(db, "appointment:1", ["note"], now=NOW) == 0
    recorder = Recorder()
    assert run(sessions, settings, {"note": recorder, "other": recorder}) == 2
    assert [status_of(sessions, i) for i in ours] == ["cancelled", "cancelled"]
    assert [status_of(sessions, i) for i in theirs] == ["done"]
    with sessions() as db, db.begin():
        assert jobs.withdraw(db, "appointment:1", now=NOW) == 0  # done jobs stay done


def test_a_running_job_is_not_claimed_again_while_its_lease_lasts(sessions):
    [job_id] = add(sessions)
    with sessions() as db, db.begin():
        claimed = jobs.claim_next(db, NOW, LEASE)
        assert claimed is not None
        assert (claimed.id, claimed.status, claimed.lease_until) == (job_id, "running", NOW + LEASE)
    with sessions() as db, db.begin():
        assert jobs.claim_next(db, NOW + LEASE - timedelta(seconds=1), LEASE) is None
    with sessions() as db, db.begin():
        again = jobs.claim_next(db, NOW + LEASE + timedelta(seconds=1), LEASE)
        assert again is not None
        assert (again.id, again.attempts) == (job_id, 2)


def test_two_claimers_at_once_never_get_the_same_job(sessions):
    ids = add(sessions, 30)
    start = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]

    def claim_all(mine: list[int]) -> None:
        start.wait()
        while True:
            with sessions() as db, db.begin():
                job = jobs.claim_next(db, NOW, LEASE)
                if job is None:
                    return
                mine.append(job.id)

    threads = [threading.Thread(target=claim_all, args=(c,)) for c in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not set(claimed[0]) & set(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == ids


def test_two_workers_on_one_database_run_each_job_exactly_once(sessions, settings):
    ids = add(sessions, 40, run_at=datetime.now(UTC) - timedelta(seconds=1))
    recorder = Recorder()
    with (
        running_worker(sessions, {"note": recorder}, settings),
        running_worker(sessions, {"note": recorder}, settings),
    ):
        wait_until(lambda: len(recorder.ran) >= len(ids))
        time.sleep(0.2)  # room for a second, wrong run to show up
    assert sorted(recorder.ran) == ids


@pytest.fixture
def second_engine(database_url: str) -> Iterator[Engine]:
    """Another engine on the same database: what a restarted server opens."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_a_job_whose_worker_died_is_run_by_the_next_worker(sessions, settings, second_engine):
    [job_id] = add(sessions, run_at=datetime.now(UTC) - timedelta(hours=1))
    with sessions() as db, db.begin():  # claimed by a worker that then died: lease long past
        assert jobs.claim_next(db, datetime.now(UTC) - timedelta(minutes=30), LEASE) is not None
    recorder = Recorder()
    with running_worker(session_factory(second_engine), {"note": recorder}, settings):
        wait_until(lambda: status_of(sessions, job_id) == "done")
    assert recorder.ran == [job_id]


def test_pending_jobs_written_before_a_restart_are_run_after_it(
    engine, sessions, settings, second_engine
):
    ids = add(sessions, 3, run_at=datetime.now(UTC))
    engine.dispose()  # the old server is gone
    recorder = Recorder()
    with running_worker(session_factory(second_engine), {"note": recorder}, settings):
        wait_until(lambda: len(recorder.ran) == 3)
    assert sorted(recorder.ran) == ids


def test_a_job_abandoned_on_every_attempt_is_given_up_without_running(sessions, settings):
    [job_id] = add(sessions)
    at = NOW
    for _ in range(jobs.MAX_ATTEMPTS):  # each claim's worker dies before finishing
        with sessions() as db, db.begin():
            assert jobs.claim_next(db, at, LEASE) is not None
        at += LEASE + timedelta(seconds=1)
    recorder = Recorder()
    assert run(sessions, settings, {"note": recorder}, at) == 1
    assert recorder.ran == []
    row = job_row(sessions, job_id)
    assert (row.status, row.attempts) == ("failed", jobs.MAX_ATTEMPTS + 1)
    assert "stopped during this job" in row.last_error


def test_a_worker_stops_promptly_and_starts_only_once(sessions, settings):
    worker = jobs.Worker(sessions, {}, settings)  # polls every 5 s by default
    worker.start()
    assert worker.running
    with pytest.raises(RuntimeError, match="starts once"):
        worker.start()
    began = time.monotonic()
    worker.stop()
    assert not worker.running
    assert time.monotonic() - began < 2


def test_the_app_runs_a_worker_while_it_serves_only_when_asked(settings, engine, sessions):
    [job_id] = add(sessions, run_at=datetime.now(UTC))
    with TestClient(create_app(settings, engine)) as client:
        assert not hasattr(client.app.state, "job_worker")  # test mode: off unless asked
    asked = {"jobs_worker": True, "smtp_host": "127.0.0.1"}
    app = create_app(quick(settings).model_copy(update=asked), engine)
    with TestClient(app):
        worker = app.state.job_worker
        assert worker.running
        wait_until(lambda: status_of(sessions, job_id) != JobStatus.PENDING)
    assert not worker.running
    assert status_of(sessions, job_id) == "failed"  # the app's handlers know no "note" job


def test_with_email_off_the_app_leaves_appointment_emails_queued(settings, engine, sessions):
    [job_id] = add(sessions, run_at=datetime.now(UTC))
    app = create_app(quick(settings).model_copy(update={"jobs_worker": True}), engine)
    with TestClient(app):
        assert not hasattr(app.state, "job_worker")
    assert status_of(sessions, job_id) == JobStatus.PENDING


@pytest.mark.parametrize(
    ("mode", "asked", "runs"),
    [
        ("production", None, True),
        ("demo", None, True),
        ("test", None, False),
        ("production", False, False),
        ("test", True, True),
    ],
)
def test_the_worker_is_on_by_default_except_in_tests(mode: str, asked: bool | None, runs: bool):
    assert Settings(mode=mode, jobs_worker=asked).runs_jobs_worker is runs  # type: ignore[arg-type]
