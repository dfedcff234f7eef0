"""Informed consent on a tablet: the patient reads the protocol's current document, ticks each key
risk in the document's own words, types their full name and the date; the signed-in nurse or
prescriber is the witness. A signed consent is shown read-only, with a way to withdraw it.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.errors import NotFound
from ketacare.core.permissions import Action, allowed
from ketacare.core.screening import PROTOCOLS
from ketacare.services import consent, patients, responses
from ketacare.services.eligibility import check_protocol
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.pages.screening import DEFAULT_PROTOCOL, PROTOCOL_OPTIONS, staff_name
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

LABELS = {"risks": "Risks", "typed_name": "Full name", "signed_on": "Date"}


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    patient_id: int,
    protocol: str,
    form: FormInput | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    check_protocol(protocol)
    patient = responses.patient_for(db, viewer.actor, patient_id, Action.READ_PATIENT)
    site = patients.site_of(db, viewer.actor, patient_id)
    document = consent.latest_document(db, patient.organization_id, protocol)
    mine = [
        s
        for s in consent.consents_of(db, viewer.actor, patient_id)
        if s.document.protocol_code == protocol
    ]
    today = viewer.actor.at.astimezone(ZoneInfo(site.timezone)).date()
    context: dict[str, Any] = {
        "active": "patients",
        "p": patient,
        "zone": ZoneInfo(site.timezone),
        "protocols": PROTOCOL_OPTIONS,
        "protocol": protocol,
        "protocol_label": PROTOCOLS[protocol].label,
        "document": document,
        "risks": [{"code": c, "text": t} for c, t in consent.key_risks_of(document)]
        if document
        else [],
        "signed": [s for s in mine if s.signature.withdrawn_at is None],
        "withdrawn": [s for s in mine if s.signature.withdrawn_at is not None],
        "needs_signature": document is not None and not any(s.valid for s in mine),
        "can_witness": allowed(viewer.principal, Action.WITNESS_CONSENT, patient.site_id),
        "witnesses": {s.signature.id: staff_name(db, s.signature.witness_id) for s in mine},
        "acknowledged": {s.signature.id: _acknowledged(s) for s in mine},
        "form": form or FormInput({"signed_on": today.isoformat()}),
        "labels": LABELS,
        "just_withdrawn": request.query_params.get("withdrawn") == "1",
    }
    return render(request, "consent/page.html", context, status_code=status_code)


def _acknowledged(state: consent.ConsentState) -> list[str]:
    """The risks the patient ticked, in the wording of the version they signed."""
    wording = dict(consent.key_risks_of(state.document))
    codes: list[str] = json.loads(state.signature.risks_acknowledged)
    return [wording.get(code, code.replace("_", " ")) for code in codes]


@router.get("/patients/{patient_id:int}/consent", response_class=HTMLResponse)
def consent_page(
    request: Request,
    patient_id: int,
    protocol: str = DEFAULT_PROTOCOL,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer, patient_id, protocol)


@router.post("/patients/{patient_id:int}/consent/{protocol}", response_class=HTMLResponse)
def sign(
    request: Request,
    patient_id: int,
    protocol: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.WITNESS_CONSENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The witness is the signed-in staff user; the document is the version that was shown."""
    check_protocol(protocol)
    signed_on = form.date("signed_on")
    if signed_on is None:
        form.errors.setdefault("signed_on", "Enter the date of signing.")
    document_id = form.integer("document_id")
    signed = False
    with saving(db, form):
        if signed_on is not None and document_id is not None:
            consent.sign(
                db, viewer.actor, patient_id, document_id, form.text("typed_name"), signed_on,
                form.all("risks"),
            )  # fmt: skip
            signed = True
    if not signed or form.errors:
        return _page(request, db, viewer, patient_id, protocol, form, 422)
    return RedirectResponse(f"/patients/{patient_id}/consent?protocol={protocol}", status_code=303)


@router.post(
    "/patients/{patient_id:int}/consent/signatures/{signature_id:int}/withdraw",
    response_class=HTMLResponse,
)
def withdraw(
    patient_id: int,
    signature_id: int,
    protocol: str = DEFAULT_PROTOCOL,
    viewer: Viewer = Depends(requires(Action.WITNESS_CONSENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Withdrawing keeps the signature (now marked) and asks for a new one before treatment."""
    row = consent.withdraw(db, viewer.actor, signature_id)
    if row.patient_id != patient_id:
        raise NotFound("No such consent signature for this patient.")
    return RedirectResponse(
        f"/patients/{patient_id}/consent?protocol={protocol}&withdrawn=1", status_code=303
    )
