"""``ketacare db``: upgrade the database schema, or show where it stands."""

from __future__ import annotations

import typer

from ketacare.cli.runtime import database, out, shown_url, upgrade_database
from ketacare.db.migrate import current_revision, head_revision
from ketacare.settings import get_settings

app = typer.Typer(help="The database schema: upgrade it, or show where it stands.")


@app.command()
def upgrade() -> None:
    """Bring the database up to this version of ketacare (safe to repeat)."""
    settings = get_settings()
    revision = upgrade_database(settings)
    url = shown_url(settings.resolved_database_url)
    out.print(f"{url} is at revision {revision} (up to date).")


@app.command()
def current() -> None:
    """Show the database's revision beside the one this ketacare needs."""
    with database(require_current=False) as db:
        current, head = current_revision(db.engine), head_revision(db.engine)
    out.print(f"Current revision: {current or 'none (empty database)'}")
    out.print(f"Head revision:    {head}")
    if current == head:
        out.print("[green]The database is up to date.[/]")
    else:
        out.print("[yellow]Upgrade with: ketacare db upgrade (back up first).[/]")
