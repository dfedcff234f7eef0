"""The treatment page's dose forms: the prescriber's order (and a second prescriber's signature
when the dose is outside the protocol's range), the administration that starts dosing, and the
pump or device events until dosing ends."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.services import treatment_administration, treatment_dosing
from ketacare.services.treatment_administration import AdministrationRequest
from ketacare.services.treatment_dosing import DoseRequest
from ketacare.web.deps import Viewer, get_db, requires
from ketacare.web.forms import FormInput, form_of
from ketacare.web.pages.treatment_context import submit, zone_of

router = APIRouter(include_in_schema=False)


@router.post("/treatments/{treatment_id:int}/order", response_class=HTMLResponse)
def order(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_DOSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """The prescriber's dose for this treatment, worked out by the dose calculator."""
    wanted = DoseRequest(
        dose=form.decimal("dose", 3),
        stock_mg_per_ml=form.decimal("stock_mg_per_ml", 2),
        bag_ml=form.decimal("bag_ml", 2),
        concentration_mg_per_ml=form.decimal("concentration_mg_per_ml", 3),
        override_reason=form.text("override_reason"),
    )
    return submit(
        request, db, viewer, treatment_id, form, "order", "order",
        lambda: treatment_dosing.order_dose(db, viewer.actor, treatment_id, wanted),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/order/countersign", response_class=HTMLResponse)
def countersign(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.ORDER_DOSE)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    return submit(
        request, db, viewer, treatment_id, form, "order", "order",
        lambda: treatment_dosing.countersign(db, viewer.actor, treatment_id),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/administration", response_class=HTMLResponse)
def start(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """Product, lot and start time: dosing begins (an expired lot is refused)."""
    zone = zone_of(db, viewer, treatment_id)
    given = AdministrationRequest(
        product=form.text("product"),
        lot_number=form.text("lot_number"),
        lot_expiry=form.date("lot_expiry"),
        started_at=form.local_datetime("started_at", zone),
        rate_ml_per_h=form.decimal("rate_ml_per_h", 1),
    )
    return submit(
        request, db, viewer, treatment_id, form, "administration", "administration",
        lambda: treatment_administration.start(db, viewer.actor, treatment_id, given),
    )  # fmt: skip


@router.post("/treatments/{treatment_id:int}/administration/events", response_class=HTMLResponse)
def event(
    request: Request,
    treatment_id: int,
    form: FormInput = Depends(form_of),
    viewer: Viewer = Depends(requires(Action.RUN_TREATMENT)),
    db: Session = Depends(get_db, scope="function"),
) -> Response:
    """A pump event (rate change, pause, resume, stop) or the next nasal device."""
    kind, note = form.text("kind"), form.text("note")
    at = form.local_datetime("at", zone_of(db, viewer, treatment_id))
    rate = form.decimal("rate_ml_per_h", 1)
    return submit(
        request, db, viewer, treatment_id, form, "event", "administration",
        lambda: treatment_administration.record_event(
            db, viewer.actor, treatment_id, kind, at, rate, note
        ),
    )  # fmt: skip
