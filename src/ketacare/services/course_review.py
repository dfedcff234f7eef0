"""The end-of-induction review: the outcome class measurement-based care gives for each
instrument the protocol asks for at the end of induction, shown beside the maintenance decision.

The label asks for "evidence of therapeutic benefit at the end of the induction phase to determine
need for continued treatment" (clinical-reference §3.2 [SPR-HCP]); the classes (remission,
response, none) come from the clinic's own cut-offs (services/outcome_settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ketacare.core.instruments.registry import INSTRUMENTS
from ketacare.core.protocols.model import Protocol, value_of
from ketacare.db.models import Course
from ketacare.services.context import Actor
from ketacare.services.responses import trajectory

END_OF_INDUCTION = "end_of_induction"
NO_SCORE = "no score yet"


@dataclass(frozen=True)
class ReviewLine:
    """One instrument at review: its latest total against the baseline and the outcome class."""

    code: str
    name: str
    baseline_total: str
    latest_total: str
    outcome: str


def review_lines(db: Session, actor: Actor, course: Course, protocol: Protocol) -> list[ReviewLine]:
    """One line per end-of-induction instrument the protocol names (reads audited by
    ``responses.trajectory``)."""
    due = value_of(protocol.instruments_due) or {}
    lines = []
    for code in due.get(END_OF_INDUCTION, ()):
        if code not in INSTRUMENTS:
            continue
        path = trajectory(db, actor, course.patient_id, code)
        latest = path.points[-1] if path.points else None
        lines.append(
            ReviewLine(
                code,
                path.name,
                "" if path.baseline_total is None else str(path.baseline_total),
                "" if latest is None else str(latest.total),
                (latest.outcome if latest is not None else "") or NO_SCORE,
            )
        )
    return lines


def headline(lines: list[ReviewLine]) -> str:
    """The outcome kept with the decision: the first instrument that has one ("madrs: response")."""
    for line in lines:
        if line.outcome != NO_SCORE:
            return f"{line.code}: {line.outcome}"
    return NO_SCORE
