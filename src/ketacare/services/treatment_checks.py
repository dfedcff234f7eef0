"""Pre-dose checks recorded on a treatment: the protocol's own pre-checks, the escort home, a
pregnancy test, the pre-dose instruments waived, and a prescriber's override of the pre-dose hold.

A check is added, never edited: the latest row of a code counts. A waiver needs a note; the escort
cannot be waived (§4.4 [KET-LBL-MYLAN], §3.5 [SPR-PI2019-p21]); only a prescriber overrides a
pre-dose hold, with the reason (issue 6). Checks are recorded while the treatment is checked in.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ketacare.core.enums import AuditAction, CheckStatus, TreatmentState
from ketacare.core.errors import ValidationFailed
from ketacare.core.permissions import Action
from ketacare.core.treatment_guards import ELIGIBILITY_CHECK, ESCORT_CHECK
from ketacare.db.models import TreatmentCheck
from ketacare.services import treatments
from ketacare.services.context import Actor
from ketacare.services.treatment_facts import (
    HOLD_OVERRIDE,
    INSTRUMENTS_WAIVED,
    PREGNANCY_TEST,
    protocol_of,
)

PREGNANCY_RESULTS = ("negative", "positive")
# Codes recorded by the form, beyond the protocol's own pre-checks, and what each may be.
EXTRA_CHECKS = {
    ESCORT_CHECK: (CheckStatus.CONFIRMED,),
    PREGNANCY_TEST: (CheckStatus.CONFIRMED,),
    INSTRUMENTS_WAIVED: (CheckStatus.WAIVED,),
    HOLD_OVERRIDE: (CheckStatus.WAIVED,),
}


def record_check(
    db: Session,
    actor: Actor,
    treatment_id: int,
    code: str,
    status: str,
    *,
    value: str = "",
    note: str = "",
) -> TreatmentCheck:
    """Confirm or waive one check; for a pregnancy test ``value`` is the result, for the escort
    it may name who takes the patient home."""
    treatment = treatments.treatment_for(db, actor, treatment_id, Action.RUN_TREATMENT)
    treatments.require_state(treatment, TreatmentState.CHECKED_IN, doing="recording a check")
    if code == HOLD_OVERRIDE:
        actor.require(Action.ORDER_DOSE, treatment.site_id)
    allowed = _allowed(code, {p.code for p in protocol_of(db, treatment).pre_checks})
    _validate(code, status, allowed, value, note)
    row = TreatmentCheck(
        treatment_id=treatment.id,
        code=code,
        status=status,
        value=value.strip(),
        note=note.strip(),
        by_id=actor.staff_user_id,
        at=actor.at,
    )
    db.add(row)
    db.flush()
    treatments.record(
        db, actor, AuditAction.CREATE, "treatment_check", row.id, treatment,
        code=code, status=status, value=row.value,
    )  # fmt: skip
    return row


def _allowed(code: str, protocol_codes: set[str]) -> tuple[CheckStatus, ...]:
    if code in EXTRA_CHECKS:
        return EXTRA_CHECKS[code]
    if code in protocol_codes and code != ELIGIBILITY_CHECK:
        return (CheckStatus.CONFIRMED, CheckStatus.WAIVED)
    raise ValidationFailed({"code": "This is not a check of this treatment's protocol."})


def _validate(
    code: str, status: str, allowed: tuple[CheckStatus, ...], value: str, note: str
) -> None:
    errors: dict[str, str] = {}
    if status not in allowed:
        if code == ESCORT_CHECK:
            errors["status"] = "An escort home cannot be waived; confirm one or stop the treatment."
        else:
            errors["status"] = f"This check can be: {', '.join(allowed)}."
    elif status == CheckStatus.WAIVED and not note.strip():
        errors["note"] = "Say why (the reason stays with the treatment)."
    if code == PREGNANCY_TEST and value.strip() not in PREGNANCY_RESULTS:
        errors["value"] = "Choose the result: negative or positive."
    if errors:
        raise ValidationFailed(errors)
