"""What every command shares: the two consoles, the database, the system actor and passwords."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from ketacare.core.errors import ConfigurationError
from ketacare.db.engine import make_engine, session_factory
from ketacare.db.migrate import current_revision, head_revision, upgrade
from ketacare.services.context import Actor
from ketacare.settings import Settings, get_settings

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
T = TypeVar("T")


@dataclass(frozen=True)
class Database:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def shown_url(url: str) -> str:
    """A database URL fit for the screen: any password is masked."""
    return make_url(url).render_as_string(hide_password=True)


def _engine(settings: Settings) -> Engine:
    return make_engine(
        settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous
    )


def upgrade_database(settings: Settings) -> str | None:
    """Migrate the database to this ketacare's revision (safe to repeat); returns that revision."""
    engine = _engine(settings)
    try:
        upgrade(engine)
        return current_revision(engine)
    finally:
        engine.dispose()


@contextmanager
def database(
    settings: Settings | None = None, *, migrate: bool = False, require_current: bool = True
) -> Iterator[Database]:
    """The configured database; ``migrate`` upgrades it first, else it must already be current."""
    settings = settings or get_settings()
    engine = _engine(settings)
    try:
        if migrate:
            upgrade(engine)
        elif require_current:
            _check_current(engine, settings.resolved_database_url)
        yield Database(settings, engine, session_factory(engine))
    finally:
        engine.dispose()


def _check_current(engine: Engine, url: str) -> None:
    current, head = current_revision(engine), head_revision(engine)
    if current is None:
        raise ConfigurationError(
            f"The database {shown_url(url)} is not set up yet; run: ketacare init"
        )
    if current != head:
        raise ConfigurationError(
            f"The database is at revision {current} but this ketacare needs {head}; "
            "back it up, then run: ketacare db upgrade"
        )


def system_actor() -> Actor:
    """The command line acts as the system itself: every change is audited with no staff user."""
    return Actor(None, datetime.now(UTC))


def read_password(password_file: Path | None, prompt: str) -> str:
    """The password from ``password_file`` (one trailing newline dropped), else asked for twice."""
    if password_file is None:
        answer: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
        return answer
    try:
        text = password_file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"Cannot read {password_file}: {error.strerror}.") from None
    return text.removesuffix("\n").removesuffix("\r")


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to completion. ``asyncio.run`` refuses to start inside a running event loop
    (a command called from a program that drives one, such as a browser test), so there the work
    gets a loop of its own on a separate thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ketacare-cli") as pool:
        return pool.submit(asyncio.run, work).result()
