"""``ketacare backup DEST``: a consistent copy of the SQLite database, taken while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ketacare.cli.runtime import out
from ketacare.services import backup as backups
from ketacare.settings import get_settings


def backup(
    destination: Annotated[Path, typer.Argument(help="The file to write the copy to.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite DEST if it exists.")] = False,
) -> None:
    """Back up the SQLite database online. For PostgreSQL, this points you to pg_dump."""
    written = backups.backup(get_settings().resolved_database_url, destination, overwrite=force)
    size_mb = written.stat().st_size / 1_000_000
    out.print(f"[green]Backed up to {escape(str(written))}[/] ({size_mb:.1f} MB).")
