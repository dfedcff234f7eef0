"""``ketacare synth``: add seeded, obviously fake patients and this week's appointments."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ketacare.cli.progress import progress_bar
from ketacare.cli.runtime import database, out, system_actor
from ketacare.db.engine import transaction
from ketacare.services import clinic
from ketacare.services import synth as synthetic


def synth(
    patients: Annotated[int, typer.Option(help="How many patients to add.", min=0)],
    seed: Annotated[int, typer.Option(help="The same seed gives the same data.")] = 1,
) -> None:
    """Add synthetic patients (for demos, tests and benchmarks; never in a live clinic)."""
    started = time.perf_counter()
    with (
        database() as db,
        transaction(db.sessions) as session,
        progress_bar("Synthetic patients", patients) as advance,
    ):
        org = clinic.the_organization(session)
        summary = synthetic.generate(session, system_actor(), org.id, patients, seed, advance)
    seconds = time.perf_counter() - started
    out.print(
        f"[green]Added {summary.patients:,} patients[/], {summary.measurements:,} weight and "
        f"height measurements and {summary.appointments:,} appointments in {seconds:.1f} s."
    )
