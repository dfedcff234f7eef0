"""Sending questionnaires to a patient: a one-time portal link shown once as text and QR code,
and emailed when the server has SMTP set up and the patient has an email address on file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from ketacare.core.errors import KetacareError, ValidationFailed
from ketacare.core.instruments import INSTRUMENTS
from ketacare.core.permissions import Action, allowed
from ketacare.interop.mail import SmtpMailer
from ketacare.services import portal, responses
from ketacare.services.portal import IssuedLink
from ketacare.settings import Settings
from ketacare.web.deps import Viewer, get_db, get_settings, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.templating import render

router = APIRouter(include_in_schema=False)  # HTML pages; the API documents itself

SELF_REPORT = [(code, i.name) for code, i in INSTRUMENTS.items() if i.kind == "self_report"]


def send_form_context(viewer: Viewer, site_id: int) -> dict[str, Any]:
    """What the chart's "Send questionnaires" form needs."""
    return {
        "self_report": SELF_REPORT,
        "can_send": allowed(viewer.principal, Action.SEND_PORTAL_LINK, site_id),
        "can_read_outcomes": allowed(viewer.principal, Action.READ_OUTCOMES, site_id),
    }


def public_url(request: Request, settings: Settings, path: str) -> str:
    """The address patients open: KETACARE_PUBLIC_BASE_URL, else the address staff used."""
    base = settings.public_base_url or str(request.base_url)
    return base.rstrip("/") + path


@router.post("/patients/{patient_id:int}/portal-links", response_class=HTMLResponse)
def send_questionnaires(
    request: Request,
    patient_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.SEND_PORTAL_LINK)),
    db: Session = Depends(get_db, scope="function"),
) -> HTMLResponse:
    """Make the link and show it once (it is not stored, only its hash), then try email."""
    settings = get_settings(request)
    hours = timedelta(hours=settings.portal_link_hours)
    try:
        with db.begin_nested():
            issued = portal.create_link(db, viewer.actor, patient_id, form.all("codes"), hours)
    except ValidationFailed as exc:
        context = {"patient_id": patient_id, "self_report": SELF_REPORT, "form": form}
        context["error"] = exc.by_field().get("codes", str(exc))
        return render(request, "outcomes/send.html", context, status_code=422)
    url = public_url(request, settings, issued.url_path)
    context = {
        "patient_id": patient_id,
        "url": url,
        "qr": segno.make(url, error="m").svg_inline(scale=5, title="QR code of the link"),
        "names": [INSTRUMENTS[c].name for c in dict.fromkeys(form.all("codes"))],
        "expires_at": issued.row.expires_at,
        "email": _email(db, viewer, request, settings, issued),
    }
    return render(request, "outcomes/link_sent.html", context)


def _email(
    db: Session, viewer: Viewer, request: Request, settings: Settings, issued: IssuedLink
) -> tuple[bool, str]:
    """(sent, what to tell staff): emailed, or why not."""
    mailer = SmtpMailer.from_settings(settings)
    if mailer is None:
        return (
            False,
            "Email is not set up on this server (KETACARE_SMTP_HOST), so nothing was emailed.",
        )
    patient = responses.patient_for(
        db, viewer.actor, issued.row.patient_id, Action.SEND_PORTAL_LINK
    )
    if not patient.email:
        return False, "Not emailed: this patient has no email address on file."
    base = settings.public_base_url or str(request.base_url)
    try:
        with db.begin_nested():
            portal.send_link_by_email(db, viewer.actor, issued.row, issued.token, base, mailer)
    except KetacareError as exc:
        return False, str(exc)
    return True, f"Emailed to {patient.email}."
