"""Online backup of a SQLite database: a consistent copy taken while ketacare keeps running.

SQLite's backup API copies page by page and starts over when a writer changes the source midway,
so the copy is always one consistent snapshot. The copy is written beside the destination and
renamed into place, so an interrupted backup never leaves a half-written file under DEST.
PostgreSQL has its own tool for this job: pg_dump.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from ketacare.core.errors import ConfigurationError, Conflict, NotFound


def backup(database_url: str, destination: Path, *, overwrite: bool = False) -> Path:
    """Copy the SQLite database at ``database_url`` to ``destination``; returns the path written."""
    source = _sqlite_file(database_url)
    _check_destination(source, destination, overwrite)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        # A self-contained file: no -wal beside it to forget when the copy is moved off-site.
        dst.execute("PRAGMA journal_mode=DELETE")
    os.replace(partial, destination)
    return destination


def _sqlite_file(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise ConfigurationError(
            "KETACARE_DATABASE_URL points at PostgreSQL; ketacare backup copies SQLite only. "
            f"Use pg_dump instead: pg_dump --format=custom --file=DEST '{libpq_url}'"
        )
    if not url.database or url.database == ":memory:":
        raise ConfigurationError("KETACARE_DATABASE_URL names no SQLite file to back up.")
    source = Path(url.database)
    if not source.is_file():
        raise NotFound(f"There is no database at {source}; nothing to back up.")
    return source


def _check_destination(source: Path, destination: Path, overwrite: bool) -> None:
    if not destination.parent.is_dir():
        raise NotFound(f"The folder {destination.parent} does not exist.")
    if destination.exists() and destination.resolve() == source.resolve():
        raise Conflict("The backup destination is the database itself; choose another path.")
    if destination.exists() and not overwrite:
        raise Conflict(f"{destination} already exists; pass --force to overwrite it.")
