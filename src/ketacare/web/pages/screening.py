"""The screening page: a protocol's findings from the current complete intake, grouped by kind
with their sources, the recommendation, the latest signed decision, and the prescriber's form.

Screening is decision support; the decision is the prescriber's. Only a role that grants
SIGN_ELIGIBILITY at the patient's site gets the form, and the POST checks the same action.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import Eligibility, IntakeStatus
from ketacare.core.permissions import Action, allowed
from ketacare.core.screening import PROTOCOLS
from ketacare.services import consent, eligibility, intake, patients, responses, staff
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

DEFAULT_PROTOCOL = next(iter(PROTOCOLS))
PROTOCOL_OPTIONS = [(code, p.label) for code, p in PROTOCOLS.items()]
KIND_LABELS = {
    "absolute": "Absolute contraindications",
    "relative": "Relative contraindications",
    "interaction": "Interactions",
    "caution": "Cautions and facts to record",
}
RECOMMENDATION_LABELS = {
    "eligible": "Eligible",
    "needs_review": "Needs review",
    "ineligible": "Ineligible",
}
DECISION_LABELS = {
    Eligibility.ELIGIBLE.value: "Eligible",
    Eligibility.ELIGIBLE_WITH_PRECAUTIONS.value: "Eligible with precautions",
    Eligibility.NOT_ELIGIBLE.value: "Not eligible",
}
LABELS = {
    "decision": "Decision",
    "rationale": "Rationale",
    "override_justification": "Override justification",
}


def staff_name(db: Session, staff_user_id: int | None) -> str:
    """Who signed or witnessed, as the record shows it; "—" for the system."""
    return staff.get(db, staff_user_id).full_name if staff_user_id is not None else "—"


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    protocol: str,
    form: FormInput | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    eligibility.check_protocol(protocol)
    patient = responses.patient_for(db, viewer.actor, patient_id, Action.READ_PATIENT)
    current = intake.current_intake(db, viewer.actor, patient_id)
    result = eligibility.screen(db, viewer.actor, patient_id, protocol) if current else None
    states = eligibility.decisions_of(db, viewer.actor, patient_id)
    state = next((s for s in states if s.decision.protocol_code == protocol), None)
    context: dict[str, Any] = {
        "active": "patients",
        "p": patient,
        "zone": ZoneInfo(patients.site_of(db, viewer.actor, patient_id).timezone),
        "protocols": PROTOCOL_OPTIONS,
        "protocol": protocol,
        "protocol_label": PROTOCOLS[protocol].label,
        "intake": current,
        "result": result,
        "has_absolute": bool(result and any(f.kind == "absolute" for f in result.findings)),
        "decision": _shown_decision(db, state),
        "can_sign": allowed(viewer.principal, Action.SIGN_ELIGIBILITY, patient.site_id),
        "can_intake": allowed(viewer.principal, Action.RECORD_INTAKE, patient.site_id),
        "form": form or FormInput({}),
        "labels": LABELS,
        "kind_labels": KIND_LABELS,
        "recommendation_labels": RECOMMENDATION_LABELS,
        "decision_labels": DECISION_LABELS,
    }
    return render(request, "screening/page.html", context, status_code=status_code)


def _shown_decision(db: Session, state: eligibility.DecisionState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "row": state.decision,
        "stale_reason": state.stale_reason,
        "signer": staff_name(db, state.decision.signed_by_id),
    }


@router.get("/patients/{patient_id:int}/screening", response_class=HTMLResponse)
def screening(
    request: Request,
    patient_id: int,
    protocol: str = DEFAULT_PROTOCOL,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer, patient_id, protocol)


@router.post(
    "/patients/{patient_id:int}/screening/{protocol}/decision", response_class=HTMLResponse
)
def sign_decision(
    request: Request,
    patient_id: int,
    protocol: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.SIGN_ELIGIBILITY)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Sign on the intake version the prescriber looked at; a changed intake is refused."""
    eligibility.check_protocol(protocol)
    signed = False
    with saving(db, form):
        eligibility.sign_decision(
            db,
            viewer.actor,
            patient_id,
            protocol,
            form.text("decision"),
            form.text("rationale"),
            form.text("override_justification"),
            intake_id=form.integer("intake_id"),
        )
        signed = True
    if not signed:
        return _page(request, db, viewer, patient_id, protocol, form, 422)
    return RedirectResponse(
        f"/patients/{patient_id}/screening?protocol={protocol}#dec-h", status_code=303
    )


def assessment_context(
    db: Session, viewer: Viewer, patient_id: int, site_id: int
) -> dict[str, Any]:
    """What the chart's assessment panel draws: the intake versions, and per protocol the latest
    decision (current or why it needs review) and the valid consent, if any."""
    versions = intake.history(db, viewer.actor, patient_id)
    decisions = {
        s.decision.protocol_code: s for s in eligibility.decisions_of(db, viewer.actor, patient_id)
    }
    consents = consent.consents_of(db, viewer.actor, patient_id)
    rows = [
        {
            "code": code,
            "label": protocol.label,
            "decision": decisions.get(code),
            "signer": staff_name(db, decisions[code].decision.signed_by_id)
            if code in decisions
            else "",
            "consent": next(
                (c for c in consents if c.valid and c.document.protocol_code == code), None
            ),
        }
        for code, protocol in PROTOCOLS.items()
    ]
    return {
        "assessment": {
            "draft": next((v for v in versions if v.status == IntakeStatus.DRAFT), None),
            "complete": next((v for v in versions if v.status == IntakeStatus.COMPLETE), None),
            "rows": rows,
            "can_intake": allowed(viewer.principal, Action.RECORD_INTAKE, site_id),
        },
        "decision_labels": DECISION_LABELS,
    }


@router.get("/patients/{patient_id:int}/assessment", response_class=HTMLResponse)
def assessment(
    request: Request,
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """The chart's assessment panel (htmx swaps it in), or a whole page without JavaScript."""
    patient = responses.patient_for(db, viewer.actor, patient_id, Action.READ_PATIENT)
    context = {
        "active": "patients",
        "p": patient,
        "zone": ZoneInfo(patients.site_of(db, viewer.actor, patient_id).timezone),
        **assessment_context(db, viewer, patient_id, patient.site_id),
    }
    fragment = bool(request.headers.get("hx-request"))
    template = "screening/_status_panel.html" if fragment else "screening/status.html"
    return render(request, template, context)
