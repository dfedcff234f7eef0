"""The clinic's consent documents: each protocol's current text and key-risk wording, a form to
publish a new version, and the earlier versions, which never change.

The first visit seeds the shipped template for any protocol without a document, so there is
always something to edit; the template says plainly that the clinic must review it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.enums import KeyRisk
from ketacare.core.permissions import Action
from ketacare.core.screening import PROTOCOLS
from ketacare.db.models import ConsentDocument
from ketacare.services import consent
from ketacare.services.eligibility import check_protocol
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of, saving
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

RISK_LABELS = {risk.value: risk.value.replace("_", " ").capitalize() for risk in KeyRisk}
LABELS = {"title": "Title", "body": "Text"} | {f"key_risks.{c}": t for c, t in RISK_LABELS.items()}


def _values_of(document: ConsentDocument) -> FormInput:
    risks = {f"key_risks.{code}": text for code, text in consent.key_risks_of(document)}
    return FormInput({"title": document.title, "body": document.body, **risks})


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    failed: tuple[str, FormInput] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organization_id = viewer.principal.organization_id
    consent.ensure_default_documents(db, viewer.actor, organization_id)
    protocols = []
    for code, protocol in PROTOCOLS.items():
        versions = consent.documents_for(db, viewer.actor, organization_id, code)
        mine = failed is not None and failed[0] == code
        form = failed[1] if failed is not None and mine else _values_of(versions[0])
        protocols.append(
            {"code": code, "label": protocol.label, "versions": versions, "form": form}
        )
    context: dict[str, Any] = {
        "active": "consent_documents",
        "protocols": protocols,
        "risk_labels": RISK_LABELS,
        "labels": LABELS,
        "published": request.query_params.get("published", ""),
    }
    return render(request, "consent/documents.html", context, status_code=status_code)


@router.get("/settings/consent", response_class=HTMLResponse)
def consent_documents(
    request: Request,
    viewer: Viewer = Depends(requires(Action.MANAGE_CONSENT_DOCUMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    return _page(request, db, viewer)


@router.post("/settings/consent/{protocol}", response_class=HTMLResponse)
def publish(
    request: Request,
    protocol: str,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.MANAGE_CONSENT_DOCUMENTS)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Publish the edited text as the protocol's next version; patients then sign it again."""
    check_protocol(protocol)
    risks = {code: form.text(f"key_risks.{code}") for code in RISK_LABELS}
    published = False
    with saving(db, form):
        consent.publish_document_version(
            db,
            viewer.actor,
            viewer.principal.organization_id,
            protocol,
            form.text("title"),
            form.text("body"),
            risks,
        )
        published = True
    if not published:
        return _page(request, db, viewer, (protocol, form), 422)
    return RedirectResponse(f"/settings/consent?published={protocol}#c-{protocol}", status_code=303)
