"""Rules for a prescriber's eligibility decision: what it must say, and when it stops being current.

Screening (``core.screening``) lists the findings; the decision is the prescriber's. Two rules here
come from issue 4 itself, not from a clinical source:

- Deciding "eligible" or "eligible with precautions" despite an absolute contraindication needs a
  written justification, and the decision is marked as overriding it.
- A decision expires ``DEFAULT_VALID_MONTHS`` after signing, and at once when a completed intake
  changes any fact the screening rules read for it.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from ketacare.core.enums import Eligibility
from ketacare.core.errors import FieldError, ValidationFailed

# A design default, not a clinical claim: no source in the clinical reference sets how long an
# eligibility review stays valid. Twelve months asks for a yearly review; a clinic may choose less.
DEFAULT_VALID_MONTHS = 12
ABSOLUTE = "absolute"


def expiry(signed_at: datetime, months: int = DEFAULT_VALID_MONTHS) -> datetime:
    """``months`` calendar months after ``signed_at``; a day the month lacks becomes its last."""
    if months < 1:
        raise ValidationFailed({"valid_months": "A decision is valid for at least one month."})
    index = signed_at.month - 1 + months
    year, month = signed_at.year + index // 12, index % 12 + 1
    day = min(signed_at.day, calendar.monthrange(year, month)[1])
    return signed_at.replace(year=year, month=month, day=day)


def overrides_absolute(decision: str, finding_kinds: Iterable[str]) -> bool:
    """True when the decision lets the patient go ahead although a finding is absolute."""
    return decision != Eligibility.NOT_ELIGIBLE and ABSOLUTE in set(finding_kinds)


def check_decision(
    decision: str,
    finding_kinds: Iterable[str],
    rationale: str,
    justification: str,
    unchecked_absolute: Sequence[str] = (),
) -> bool:
    """Refuse an incomplete decision; returns whether it overrides an absolute finding.

    ``unchecked_absolute`` names the facts an absolute contraindication needs but the intake does
    not know: a patient cannot be found eligible while one of those was never asked.
    """
    errors: list[FieldError] = []
    if decision not in {e.value for e in Eligibility}:
        errors.append(FieldError("decision", f"Choose one of: {', '.join(Eligibility)}."))
    elif decision != Eligibility.NOT_ELIGIBLE and unchecked_absolute:
        missing = "; ".join(unchecked_absolute)
        errors.append(
            FieldError(
                "decision",
                f"An absolute contraindication could not be checked. Record in the intake: "
                f"{missing}",
            )
        )
    if not rationale.strip():
        errors.append(FieldError("rationale", "Say why: the rationale is part of the record."))
    overriding = overrides_absolute(decision, finding_kinds)
    if overriding and not justification.strip():
        errors.append(
            FieldError(
                "override_justification",
                "An absolute contraindication was found: write why the patient may still go "
                "ahead, or decide not eligible.",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return overriding


def changed_facts(snapshot: Mapping[str, object], current: Mapping[str, object]) -> list[str]:
    """The facts read for a decision whose value is now different (absent counts as unknown)."""
    return sorted(name for name, value in snapshot.items() if current.get(name) != value)


def stale_reason(
    now: datetime,
    expires_at: datetime,
    snapshot: Mapping[str, object],
    current: Mapping[str, object] | None,
) -> str:
    """Why a decision is no longer current, in plain words; "" while it is current.

    ``current`` is the patient's current complete intake (None when there is none)."""
    if now >= expires_at:
        return f"Expired on {expires_at:%Y-%m-%d}: review eligibility again."
    if current is None:
        return "There is no complete intake: review eligibility again."
    changed = changed_facts(snapshot, current)
    if changed:
        return f"The intake changed ({', '.join(changed)}): review eligibility again."
    return ""
