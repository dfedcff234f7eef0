"""Background jobs kept in the ``job`` table, so that a restart loses none.

A worker claims a due job with a conditional UPDATE (``... WHERE id = ? AND <still due>``) whose
row count says who won: on PostgreSQL the loser's UPDATE waits for the winner's commit and then
matches nothing; on SQLite every write transaction begins IMMEDIATE, so claims never overlap. The
claim is committed at once, giving the job a lease; the handler then runs in a transaction of its
own that also marks the job done. A job whose lease ran out (its worker died mid-job) is due
again. Delivery is therefore at least once: a worker that dies after sending an e-mail but before
committing "done" sends it again when the job is claimed anew.

A failing handler is retried after 1, 5 and 30 minutes and then given up (``failed``). The error
kept in ``last_error`` and written to the log never carries patient data: only a ketacare error's
own message (with any e-mail address masked) or, for anything else, the exception's class name.
Log lines name the job by id and kind only.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.enums import JobStatus
from ketacare.core.errors import KetacareError
from ketacare.db.models import Job
from ketacare.interop.mail import SmtpMailer
from ketacare.settings import Settings

# The wait before each retry; a job fails for good on the attempt after the last of them.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
MAX_ATTEMPTS = len(BACKOFF) + 1
DEFAULT_LEASE = timedelta(minutes=5)
_PASS_LIMIT = 20  # jobs per worker pass, so that stop() is prompt
_CANDIDATES = 10  # due jobs looked at per claim: another worker may win the first few
_ADDRESS = re.compile(r"[^\s<>@,;:\"']+@[^\s<>@,;:\"']+")

log = logging.getLogger("ketacare.jobs")


@dataclass(frozen=True)
class JobContext:
    """What a handler gets besides its database session and job: the settings, the mailer
    (None when e-mail is not configured) and the instant of this pass."""

    settings: Settings
    mailer: SmtpMailer | None
    now: datetime


Handler = Callable[[Session, Job, JobContext], None]
Progress = Callable[[int, int], None]


def enqueue(
    db: Session,
    kind: str,
    run_at: datetime,
    payload: Mapping[str, Any],
    *,
    subject: str = "",
    now: datetime,
) -> Job:
    """Add a pending job, run at ``run_at`` or soon after, in the caller's transaction.
    ``subject`` (e.g. "appointment:42") lets ``withdraw`` find it again."""
    job = Job(
        kind=kind,
        subject=subject,
        payload=json.dumps(dict(payload), sort_keys=True),
        run_at=run_at,
        status=JobStatus.PENDING.value,
        attempts=0,
        last_error="",
        created_at=now,
    )
    db.add(job)
    db.flush()
    return job


def withdraw(
    db: Session, subject: str, kinds: Collection[str] | None = None, *, now: datetime
) -> int:
    """Cancel the subject's pending jobs (of ``kinds`` only, when given); returns how many.
    A job already running is left to finish: its handler checks that its news is still true."""
    query = update(Job).where(Job.subject == subject, Job.status == JobStatus.PENDING.value)
    if kinds is not None:
        query = query.where(Job.kind.in_(list(kinds)))
    values = {"status": JobStatus.CANCELLED.value, "finished_at": now}
    result = db.execute(query.values(values).execution_options(synchronize_session="fetch"))
    return _rowcount(result)


def _due(now: datetime) -> ColumnElement[bool]:
    waiting = and_(Job.status == JobStatus.PENDING.value, Job.run_at <= now)
    abandoned = and_(Job.status == JobStatus.RUNNING.value, Job.lease_until < now)
    return or_(waiting, abandoned)


def claim_next(db: Session, now: datetime, lease: timedelta) -> Job | None:
    """Take the earliest due job (pending, or running with an expired lease): it becomes
    ``running`` until ``now + lease`` and its attempt is counted. The caller commits the claim
    before running the job. Two claimers never get the same job (see the module docstring)."""
    candidates = db.scalars(
        select(Job.id).where(_due(now)).order_by(Job.run_at, Job.id).limit(_CANDIDATES)
    ).all()
    for job_id in candidates:
        taken = db.execute(
            update(Job)
            .where(Job.id == job_id, _due(now))
            .values(
                status=JobStatus.RUNNING.value,
                lease_until=now + lease,
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if _rowcount(taken) == 1:
            return db.get(Job, job_id, populate_existing=True)
    return None


def _rowcount(result: object) -> int:
    """Rows an UPDATE matched (``Session.execute`` is typed as returning a plain Result)."""
    return cast(CursorResult[Any], result).rowcount


def due_count(db: Session, now: datetime) -> int:
    return db.scalar(select(func.count()).select_from(Job).where(_due(now))) or 0


def run_pending(
    sessions: sessionmaker[Session],
    now: datetime,
    handlers: Mapping[str, Handler],
    *,
    settings: Settings,
    limit: int = 100,
    lease: timedelta = DEFAULT_LEASE,
    progress: Progress | None = None,
) -> int:
    """Run up to ``limit`` jobs due at ``now``, each claimed and run in transactions of its own;
    returns how many were run (done, retried or failed). ``progress(done, total)`` follows along."""
    context = JobContext(settings, SmtpMailer.from_settings(settings), now)
    with sessions() as db, db.begin():
        total = min(due_count(db, now), limit)
    ran = 0
    while ran < limit:
        with sessions() as db, db.begin():
            job = claim_next(db, now, lease)
        if job is None:
            break
        _run(sessions, job, handlers, context)
        ran += 1
        if progress is not None:
            progress(ran, max(total, ran))
    return ran


def _run(
    sessions: sessionmaker[Session], job: Job, handlers: Mapping[str, Handler], ctx: JobContext
) -> None:
    handler = handlers.get(job.kind)
    if handler is None:
        reason = f"No handler for job kind {job.kind!r}."
        _failed(sessions, job.id, ctx.now, reason, "no handler", may_retry=False)
        return
    if job.attempts > MAX_ATTEMPTS:
        reason = f"The worker stopped during this job {MAX_ATTEMPTS} times; giving up."
        _failed(sessions, job.id, ctx.now, reason, "abandoned", may_retry=False)
        return
    try:
        with sessions() as db, db.begin():
            row = db.get(Job, job.id, with_for_update=True)
            assert row is not None
            handler(db, row, ctx)
            row.status, row.finished_at = JobStatus.DONE.value, ctx.now
            row.lease_until, row.last_error = None, ""
        log.info("job %d (%s) done", job.id, job.kind)
    except Exception as error:  # any failure of one job must not stop the others
        cause = type(error).__name__
        _failed(sessions, job.id, ctx.now, safe_message(error), cause, may_retry=True)


def _failed(
    sessions: sessionmaker[Session],
    job_id: int,
    now: datetime,
    reason: str,
    cause: str,
    *,
    may_retry: bool,
) -> None:
    """Record a failed attempt: due again after its backoff while attempts remain, else given
    up. ``reason`` is kept for staff; ``cause`` (a class name or label) goes to the log."""
    with sessions() as db, db.begin():
        row = db.get(Job, job_id)
        assert row is not None
        row.last_error, row.lease_until = reason, None
        if may_retry and row.attempts < MAX_ATTEMPTS:
            row.status, row.run_at = JobStatus.PENDING.value, now + BACKOFF[row.attempts - 1]
        else:
            row.status, row.finished_at = JobStatus.FAILED.value, now
        kind, attempts, status = row.kind, row.attempts, row.status
    log.warning("job %d (%s) attempt %d: %s; now %s", job_id, kind, attempts, cause, status)


def safe_message(error: Exception) -> str:
    """What may be stored and logged about ``error``: a ketacare error's message (written for
    staff, without patient data) with e-mail addresses masked; else only the error's class."""
    if isinstance(error, KetacareError):
        return _ADDRESS.sub("<address>", str(error))
    return f"Unexpected {type(error).__name__} (the message is not kept: it may name a patient)."


@dataclass(frozen=True)
class Overview:
    """The queue at a glance, with no patient data: counts by (kind, status), when the next
    pending job is due, and the most recent failures."""

    counts: Mapping[tuple[str, str], int]
    next_due_at: datetime | None
    failed: tuple[Job, ...]


def overview(db: Session, failed_limit: int = 20) -> Overview:
    counts = db.execute(select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status))
    next_due = select(func.min(Job.run_at)).where(Job.status == JobStatus.PENDING.value)
    failed = select(Job).where(Job.status == JobStatus.FAILED.value)
    return Overview(
        {(kind, status): n for kind, status, n in counts},
        db.scalar(next_due),
        tuple(
            db.scalars(failed.order_by(Job.finished_at.desc(), Job.id.desc()).limit(failed_limit))
        ),
    )


class Worker:
    """Runs due jobs in a daemon thread every ``poll_seconds`` until ``stop()``. Any number of
    workers, in one process or many, may share a database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        handlers: Mapping[str, Handler],
        settings: Settings,
        *,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self._sessions, self._handlers, self._settings = sessions, handlers, settings
        self._lease = lease
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a Worker starts once; make a new one")
        self._thread = threading.Thread(target=self._loop, name="ketacare-jobs", daemon=True)
        self._thread.start()
        log.info("job worker started")

    def stop(self, timeout_seconds: float = 30) -> None:
        """Finish the job in hand, then stop; waits up to ``timeout_seconds``."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_seconds)
        log.info("job worker stopped")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            if self._one_pass() < _PASS_LIMIT:  # a full pass means more may be due: go on
                self._stopping.wait(self._settings.jobs_poll_seconds)

    def _one_pass(self) -> int:
        try:
            return run_pending(
                self._sessions,
                datetime.now(UTC),
                self._handlers,
                settings=self._settings,
                limit=_PASS_LIMIT,
                lease=self._lease,
            )
        except Exception as error:  # the database may be away for a while; keep polling
            log.error("job pass failed: %s", type(error).__name__)
            return 0
