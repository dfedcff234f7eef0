"""``ketacare jobs``: the background job queue (appointment e-mails and reminders).

``list`` shows counts, when the next job is due and the latest failures; ``run`` runs every due
job once, now, e.g. from cron on a server that runs no web worker. Neither shows patient data:
jobs are named by id, kind and subject (an appointment id).
"""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from ketacare.cli.progress import progress_bar
from ketacare.cli.runtime import database, out
from ketacare.core.enums import JobStatus
from ketacare.db.engine import read_only_transaction
from ketacare.services import jobs, reminders

app = typer.Typer(help="Background jobs: appointment e-mails and reminders.")


@app.command("list")
def list_jobs() -> None:
    """Jobs by kind and status, the next one due, and the latest failures."""
    with database() as db, read_only_transaction(db.sessions) as session:
        overview = jobs.overview(session)
    if not overview.counts:
        out.print("No jobs.")
        return
    out.print(_counts_table(overview))
    due = overview.next_due_at
    out.print(f"Next due: {due.isoformat(timespec='seconds')}" if due else "Nothing pending.")
    if overview.failed:
        _show_failures(overview)


def _counts_table(overview: jobs.Overview) -> Table:
    statuses = list(JobStatus)
    table = Table("Kind", *(s.value for s in statuses), box=None, padding=(0, 2, 0, 0))
    for kind in sorted({kind for kind, _ in overview.counts}):
        table.add_row(kind, *(str(overview.counts.get((kind, s.value), 0)) for s in statuses))
    return table


def _show_failures(overview: jobs.Overview) -> None:
    out.print("Latest failures:")
    for job in overview.failed:
        failed_at = job.finished_at.isoformat(timespec="seconds") if job.finished_at else "?"
        line = (
            f"  job {job.id} {job.kind} ({job.subject}), {job.attempts} attempt(s), "
            f"failed at {failed_at}: {job.last_error}"
        )
        out.print(line, markup=False, soft_wrap=True)


@app.command("run")
def run() -> None:
    """Run every job due now, once (the web app's worker does this every few seconds)."""
    now = datetime.now(UTC)
    with database() as db:
        with read_only_transaction(db.sessions) as session:
            due = jobs.due_count(session, now)
        if due == 0:
            out.print("No job is due.")
            return
        with progress_bar("Running due jobs", due) as advance:
            ran = jobs.run_pending(
                db.sessions,
                now,
                reminders.HANDLERS,
                settings=db.settings,
                limit=due,
                progress=advance,
            )
        with read_only_transaction(db.sessions) as session:
            overview = jobs.overview(session)
    out.print(f"Ran {ran} due job(s).")
    out.print(_counts_table(overview))
