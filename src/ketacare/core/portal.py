"""Rules for a patient's one-time questionnaire link: when it may be used, the date-of-birth
check, and answers saved one at a time.

The link is the patient's only key, so every refusal says plainly what to do next and never hints
at whose link it is. "now" is passed in as ``at``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ketacare.core.errors import KetacareError

# Lockout after repeated wrong dates of birth, as for staff sign-in; a design choice, not a rule
# from a source. Five tries allow for typing slips while keeping guessing pointless.
MAX_DOB_ATTEMPTS = 5
# How long a confirmed date of birth lets the holder of the link answer; every saved answer
# renews it. A design choice: long enough to answer a PCL-5 on a phone, short enough that a
# phone left on a table does not stay open.
CONFIRMATION_WINDOW = timedelta(minutes=60)

_ASK_CLINIC = "Please contact the clinic for a new one."

Draft = dict[str, list[int | None]]


class LinkRefused(KetacareError):
    """The link cannot be used; nothing was stored."""


class LinkNotFound(LinkRefused):
    def __init__(self) -> None:
        super().__init__(
            "This link is not valid. Please check that you copied the whole link, "
            "or contact the clinic for a new one."
        )


class LinkExpired(LinkRefused):
    def __init__(self) -> None:
        super().__init__(f"This link has expired. {_ASK_CLINIC}")


class LinkSpent(LinkRefused):
    def __init__(self) -> None:
        super().__init__(
            "These questionnaires have already been sent to the clinic. Thank you. "
            "If you need to change an answer, please contact the clinic."
        )


class LinkLocked(LinkRefused):
    def __init__(self) -> None:
        super().__init__(
            "This link is locked because the date of birth was entered wrongly too many times. "
            + _ASK_CLINIC
        )


class DateOfBirthNeeded(LinkRefused):
    def __init__(self) -> None:
        super().__init__("Please confirm your date of birth first.")


class DateOfBirthMismatch(KetacareError):
    """A wrong date of birth; ``attempts_left`` before the link locks."""

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        tries = "try" if attempts_left == 1 else "tries"
        super().__init__(
            "That date of birth does not match our records. Please check it and try again "
            f"({attempts_left} {tries} left)."
        )


@dataclass(frozen=True)
class LinkFacts:
    """What the rules need to know about a stored link."""

    expires_at: datetime
    spent_at: datetime | None
    failed_dob_attempts: int
    dob_confirmed_until: datetime | None


def check_usable(link: LinkFacts, at: datetime) -> None:
    """Raise the refusal that applies, most informative first: spent, locked, expired."""
    if link.spent_at is not None:
        raise LinkSpent()
    if link.failed_dob_attempts >= MAX_DOB_ATTEMPTS:
        raise LinkLocked()
    if at >= link.expires_at:
        raise LinkExpired()


def is_confirmed(link: LinkFacts, at: datetime) -> bool:
    return link.dob_confirmed_until is not None and at < link.dob_confirmed_until


def confirmed_until(at: datetime, expires_at: datetime) -> datetime:
    """The end of the answering window opened or renewed at ``at``; never past the link's end."""
    return min(at + CONFIRMATION_WINDOW, expires_at)


def attempts_left(failed_dob_attempts: int) -> int:
    return max(MAX_DOB_ATTEMPTS - failed_dob_attempts, 0)


def refuse_wrong_dob(failed_dob_attempts: int) -> DateOfBirthMismatch | LinkLocked:
    """The error for a wrong date of birth, given the failure count including this one."""
    left = attempts_left(failed_dob_attempts)
    return LinkLocked() if left == 0 else DateOfBirthMismatch(left)


def empty_draft(item_counts: Mapping[str, int]) -> Draft:
    """One unanswered slot per item (optional items included) for each instrument."""
    return {code: [None] * count for code, count in item_counts.items()}


def with_answer(
    draft: Mapping[str, Sequence[int | None]], code: str, index: int, value: int | None
) -> Draft:
    """A copy of ``draft`` with one slot set (``None`` clears an answer the patient took back)."""
    if code not in draft or not 0 <= index < len(draft[code]):
        raise LinkRefused("That question is not part of this link.")
    updated = {c: list(answers) for c, answers in draft.items()}
    updated[code][index] = value
    return updated


def answers_to_score(slots: Sequence[int | None], required: int) -> list[int | None]:
    """The answers in the form scoring takes: optional items dropped when none was answered."""
    optional = slots[required:]
    if all(value is None for value in optional):
        return list(slots[:required])
    return list(slots)
