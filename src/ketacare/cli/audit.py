"""``ketacare audit verify``: check the audit trail's hash chain from first event to last."""

from __future__ import annotations

import typer

from ketacare.cli.progress import progress_bar
from ketacare.cli.runtime import database, out
from ketacare.core.errors import AuditChainBroken
from ketacare.db.engine import read_only_transaction
from ketacare.services import audit

app = typer.Typer(help="The audit trail.")


@app.command()
def verify() -> None:
    """Recompute every event's hash; exit 1 naming the first event that was altered or removed."""
    with database() as db, read_only_transaction(db.sessions) as session:
        total = audit.event_count(session)
        with progress_bar("Verifying the audit trail", total) as advance:
            count, broken = audit.verify(session, advance)
    if broken is not None:
        raise AuditChainBroken(broken.event_id, broken.reason)
    out.print(f"[green]{count} events verified, chain intact[/]")
