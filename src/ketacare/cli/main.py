"""The ``ketacare`` command: one Typer app, each command group in a module of its own.

This is the one place where errors become what a person at a terminal sees: a ``KetacareError``
(or a database that cannot be reached) is ONE red line on stderr and exit code 1. A traceback
therefore always means a bug in ketacare, never a mistake by the person typing.
"""

from __future__ import annotations

from typing import Any, NoReturn

import typer
from rich.text import Text
from sqlalchemy.exc import OperationalError
from typer.core import TyperGroup

from ketacare.cli import audit, backup, db, demo, init, jobs, monitors, serve, synth, users
from ketacare.cli.runtime import err
from ketacare.core.errors import KetacareError


def fail(message: str) -> NoReturn:
    """Print ``message`` as one red line on stderr and exit with status 1."""
    err.print(Text(message, style="bold red"), soft_wrap=True)
    raise typer.Exit(1)


class _OneLineErrors(TyperGroup):
    """Runs every command; turns deliberate errors into one line instead of a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KetacareError as error:
            fail(str(error))
        except OperationalError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else "unknown error"
            fail(f"Cannot use the database: {reason}")


app = typer.Typer(
    cls=_OneLineErrors,
    name="ketacare",
    help="ketacare: clinical operations for supervised ketamine-assisted treatment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(init.init)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("backup")(backup.backup)
app.command("synth")(synth.synth)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(jobs.app, name="jobs")
app.add_typer(monitors.app, name="monitors")


def main() -> None:
    """The console script ``ketacare``."""
    app()
