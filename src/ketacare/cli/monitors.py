"""``ketacare monitors``: bedside monitors. ``simulate`` streams synthetic vital signs over MLLP for
every treatment in dosing or observation, as chairs' monitors would, and shows each chair's
latest values and the answers the listener gave. The table names chairs, never patients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Annotated, Any

import typer
from rich.live import Live
from rich.table import Table

from ketacare.cli.runtime import database, out, run_async
from ketacare.core.enums import Vital
from ketacare.services import monitor_streams
from ketacare.services.monitor_streams import Tallies

app = typer.Typer(help="Bedside monitors: a simulator for demos and testing a listener.")

SHOWN = (
    ("SpO2 %", Vital.SPO2_PERCENT),
    ("HR", Vital.HR_BPM),
    ("RR", Vital.RR_PER_MIN),
    ("SBP", Vital.SBP_MMHG),
    ("DBP", Vital.DBP_MMHG),
)
REFRESH_PER_S = 2


@app.command("simulate")
def simulate(
    host: Annotated[
        str | None, typer.Option(help="The listener's address \\[default: KETACARE_MLLP_HOST].")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="The listener's port \\[default: KETACARE_MLLP_PORT].", min=1, max=65535),
    ] = None,
    rate: Annotated[
        float, typer.Option(help="Messages per second from each chair's monitor.", min=0.01)
    ] = 0.5,
    duration: Annotated[
        float | None,
        typer.Option(help="Stop after this many seconds \\[default: run until Ctrl+C].", min=0.1),
    ] = None,
) -> None:
    """Stream synthetic vital signs for every treatment in dosing or observation."""
    with database() as db:
        host = host or db.settings.mllp_host
        port = port or db.settings.mllp_port
        out.print(f"Streaming simulated monitors to [bold]{host}:{port}[/] (Ctrl+C stops it).")
        tallies: Tallies = {}
        with Live(_table(tallies), console=out, refresh_per_second=REFRESH_PER_S) as screen:
            stream = monitor_streams.simulate(
                db.sessions, host, port, tallies, rate_per_s=rate, duration_s=duration
            )
            with contextlib.suppress(KeyboardInterrupt):
                run_async(_shown(stream, tallies, screen))
    out.print()
    for tally in tallies.values():
        if tally.problem:
            out.print(f"{tally.chair}: {tally.problem}", markup=False, soft_wrap=True)
    sent = sum(t.sent for t in tallies.values())
    out.print(f"Sent {sent} messages from {len(tallies)} chair(s).")
    if not tallies:
        out.print("No treatment is in dosing or observation, so no monitor had anything to send.")


async def _shown(stream: Coroutine[Any, Any, Tallies], tallies: Tallies, screen: Live) -> None:
    """Run the stream, redrawing the table until it ends."""
    task = asyncio.create_task(stream)
    while not task.done():
        screen.update(_table(tallies))
        await asyncio.wait({task}, timeout=1 / REFRESH_PER_S)
    screen.update(_table(tallies))
    task.result()


def _table(tallies: Tallies) -> Table:
    table = Table("Chair", *(name for name, _ in SHOWN), "Sent", "AA", "AE/AR", "")
    for tally in tallies.values():
        last = [str(tally.last.get(vital, "")) for _, vital in SHOWN]
        refused = tally.answers["AE"] + tally.answers["AR"]
        table.add_row(
            tally.chair,
            *last,
            str(tally.sent),
            str(tally.answers["AA"]),
            str(refused),
            tally.problem,
        )
    return table
