"""Courses over the API: read a course or a patient's courses, propose a course's treatments, and
order a course on confirmed slots.

A proposal stores nothing; posting a course checks every slot again against the calendar as it is
then, so a chair taken in between is a 409 problem naming ``treatments``. Reading a course is a
read of the patient's record and is audited.
"""

from __future__ import annotations

from datetime import UTC

from fastapi import Depends, Response
from sqlalchemy.orm import Session

from ketacare.core.permissions import Action
from ketacare.core.scheduling.model import Slot
from ketacare.db.models import Course, ProtocolVersion
from ketacare.services import clinic, course_planning, courses
from ketacare.services.course_planning import CourseOrder, Proposal
from ketacare.services.courses import CourseView
from ketacare.web.api.v1.course_schemas import (
    CourseIn,
    CourseOrderIn,
    CourseOut,
    CourseSummaryOut,
    ProposalOut,
    SlotIn,
    SlotOut,
    TreatmentOut,
)
from ketacare.web.api.v1.routing import PREFIX, api_router
from ketacare.web.deps import Viewer, get_db, requires

router = api_router("courses")


def _order(body: CourseOrderIn) -> CourseOrder:
    return CourseOrder(
        **body.model_dump(exclude={"preferred_weekdays"}),
        preferred_weekdays=tuple(body.preferred_weekdays),
    )


def _slot(body: SlotIn) -> Slot:
    return Slot(body.location_id, body.starts_at.astimezone(UTC), body.ends_at.astimezone(UTC))


def _chair_names(db: Session, site_id: int) -> dict[int, str]:
    return {loc.id: loc.name for loc in clinic.locations_of(db, site_id)}


# The course columns a summary shows as they are; the protocol and weekdays are filled in.
_FILLED = frozenset({"protocol_code", "protocol_version", "protocol_name", "preferred_weekdays"})
_COLUMNS = tuple(name for name in CourseSummaryOut.model_fields if name not in _FILLED)


def _summary(course: Course, version: ProtocolVersion) -> CourseSummaryOut:
    return CourseSummaryOut(
        **{name: getattr(course, name) for name in _COLUMNS},
        protocol_code=version.code,
        protocol_version=version.version,
        protocol_name=version.name,
        preferred_weekdays=list(courses.weekdays_of(course)),
    )


def _course_out(db: Session, shown: CourseView) -> CourseOut:
    names = _chair_names(db, shown.course.site_id)
    treatments = [
        TreatmentOut(
            id=t.id,
            location_id=t.location_id,
            location_name=names.get(t.location_id) if t.location_id else None,
            starts_at=t.starts_at,
            ends_at=t.ends_at,
            status=t.status,
            phase=t.course_phase,
            revision=t.revision,
        )
        for t in shown.treatments
    ]
    summary = _summary(shown.course, shown.version)
    return CourseOut(**dict(summary), treatments=treatments)


def _proposal_out(db: Session, proposal: Proposal) -> ProposalOut:
    names = _chair_names(db, proposal.site.id)
    slots = [
        SlotOut(
            location_id=s.location_id,
            location_name=names.get(s.location_id),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
        )
        for s in proposal.slots
    ]
    return ProposalOut(
        patient_id=proposal.order.patient_id,
        site_id=proposal.site.id,
        protocol_code=proposal.version.code,
        protocol_version=proposal.version.version,
        phase=proposal.phase,
        chair_min=proposal.chair_min,
        min_interval_min=int(proposal.min_interval.total_seconds()) // 60,
        warnings=list(proposal.warnings),
        slots=slots,
    )


@router.get("/courses/{course_id}", summary="Read a course with its treatments")
def read_course(
    course_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> CourseOut:
    """The order, its protocol version, status and phase, and every treatment (cancelled ones
    too) in time order; the read is audited."""
    return _course_out(db, courses.view(db, viewer.actor, course_id))


@router.get("/patients/{patient_id}/courses", summary="A patient's courses")
def patient_courses(
    patient_id: int,
    viewer: Viewer = Depends(requires(Action.READ_PATIENT)),
    db: Session = Depends(get_db, scope="function"),
) -> list[CourseSummaryOut]:
    """Newest first, without their treatments (read a course for those); like any read of the
    patient's record, it is audited."""
    return [_summary(c, v) for c, v in courses.courses_of(db, viewer.actor, patient_id)]


@router.post("/course-proposals", summary="Propose a course's treatments")
def propose_course(
    body: CourseOrderIn,
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> ProposalOut:
    """Every induction treatment on a chair and time, and what to know before confirming (a dose
    outside the protocol's range, say). Stores nothing; a course that cannot be fitted is a 409
    problem saying why."""
    return _proposal_out(db, course_planning.propose(db, viewer.actor, _order(body)))


@router.post("/courses", status_code=201, summary="Order a course on confirmed slots")
def create_course(
    body: CourseIn,
    response: Response,
    viewer: Viewer = Depends(requires(Action.ORDER_COURSE)),
    db: Session = Depends(get_db, scope="function"),
) -> CourseOut:
    """Book the induction on ``slots`` (a proposal's, or changed ones). Each slot is checked again:
    a chair or interval that no longer fits is a 409 problem naming ``treatments``, and nothing is
    stored."""
    slots = [_slot(s) for s in body.slots]
    course = courses.create_course(db, viewer.actor, _order(body.order), slots)
    response.headers["Location"] = f"{PREFIX}/courses/{course.id}"
    return _course_out(db, courses.view(db, viewer.actor, course.id))
