"""``ketacare audit verify``: check the audit trail's hash chain from first event to last."""

from __future__ import annotations

import typer

from ketacare.cli.runtime import database, err, out
from ketacare.core.errors import AuditChainBroken
from ketacare.db.engine import transaction
from ketacare.services import audit

app = typer.Typer(help="The audit trail.")


@app.command()
def verify() -> None:
    """Recompute every event's hash; exit 1 naming the first event that was altered or removed."""
    with (
        database() as db,
        err.status("Verifying the audit trail…"),
        transaction(db.sessions) as session,
    ):
        count, broken = audit.verify(session)
    if broken is not None:
        raise AuditChainBroken(broken.event_id, broken.reason)
    out.print(f"[green]{count} events verified, chain intact[/]")
