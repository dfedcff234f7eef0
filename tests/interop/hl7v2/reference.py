"""The fields ingest reads, extracted twice: by python-hl7 (the reference parser, with its own
unescaping) and by ketacare's focused parser, in the same plain shape so they can be compared."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

import hl7

from ketacare.interop.hl7v2 import OruMessage
from ketacare.interop.hl7v2.times import parse_time

View = dict[str, Any]


def _leaf(segment: Any, field: int, rep: int = 1, component: int = 1) -> str:
    """python-hl7's value at field.rep.component (first subcomponent), "" where absent."""
    try:
        return str(segment.extract_field(field_num=field, repeat_num=rep, component_num=component))
    except IndexError:
        return ""


def _repetitions(segment: Any, field: int) -> list[int]:
    """1-based numbers of the non-empty repetitions of a field."""
    if field >= len(segment):
        return []
    return [n for n in range(1, len(segment(field)) + 1) if str(segment(field)(n))]


def _components(segment: Any, field: int, rep: int = 1) -> list[str]:
    if field >= len(segment):
        return [""]
    value = segment(field)(rep)
    count = len(value) if isinstance(value, hl7.Repetition) else 1
    return [_leaf(segment, field, rep, c) for c in range(1, count + 1)]


def _triplet(segment: Any, field: int) -> tuple[str, str, str]:
    return (_leaf(segment, field, 1, 1), _leaf(segment, field, 1, 2), _leaf(segment, field, 1, 3))


def _hd(segment: Any, field: int) -> tuple[str, str, str]:
    return _triplet(segment, field)


def _obx(segment: Any, request: int | None, fallback: str) -> tuple[Any, ...]:
    equipment = [
        tuple(_leaf(segment, 18, r, c) for c in range(1, 5)) for r in _repetitions(segment, 18)
    ]
    return (
        _leaf(segment, 1),
        _leaf(segment, 2),
        _triplet(segment, 3),
        _leaf(segment, 4),
        _leaf(segment, 5),
        _triplet(segment, 6),
        _leaf(segment, 11),
        _leaf(segment, 14) or fallback,
        equipment,
        request,
    )


def python_hl7_view(raw: str) -> View:
    """The fields as python-hl7 reads them; times as the text they were sent as."""
    message = hl7.parse(raw)
    msh = message.segment("MSH")
    view: View = {
        "header": tuple(_leaf(msh, n, 1, c) for n, c in _HEADER),
        "sent_at": _leaf(msh, 7),
    }
    view.update(patient_ids=[], patient_name=[], location=[], requests=[], observations=[])
    for segment in message:
        kind = str(segment[0])
        if kind == "PID" and not view["patient_name"]:
            ids = [
                tuple(_leaf(segment, 3, r, c) for c in (1, 4, 5)) for r in _repetitions(segment, 3)
            ]
            view["patient_ids"] = [i for i in ids if i[0]]
            view["patient_name"] = _components(segment, 5)
        elif kind == "PV1" and not view["location"]:
            view["location"] = _components(segment, 3)
        elif kind == "OBR":
            view["requests"].append((_leaf(segment, 1), _leaf(segment, 7)))
        elif kind == "OBX":
            requests = view["requests"]
            group_time = requests[-1][1] if requests else ""
            index = len(requests) - 1 if requests else None
            view["observations"].append(_obx(segment, index, group_time or view["sent_at"]))
    return view


_HEADER = [
    (3, 1),
    (3, 2),
    (3, 3),
    (4, 1),
    (5, 1),
    (6, 1),
    (9, 1),
    (9, 2),
    (10, 1),
    (11, 1),
    (12, 1),
]


def ketacare_view(message: OruMessage) -> View:
    """The same fields from ketacare's parse; times stay instants (compare with ``times``)."""
    h = message.header
    return {
        "header": (
            *(h.sending_application.namespace_id, h.sending_application.universal_id),
            h.sending_application.universal_id_type,
            h.sending_facility.namespace_id,
            h.receiving_application.namespace_id,
            h.receiving_facility.namespace_id,
            h.message_code,
            h.trigger_event,
            h.control_id,
            h.processing_id,
            h.version,
        ),
        "sent_at": message.sent_at,
        "patient_ids": [tuple(p) for p in message.patient_ids],
        "patient_name": list(message.patient_name),
        "location": list(message.location),
        "requests": [(r.set_id, r.observed_at) for r in message.requests],
        "observations": [
            (*o[:7], o.observed_at, [tuple(e) for e in o.equipment], o.request)
            for o in message.observations
        ],
    }


def with_instants(view: View, zone: tzinfo) -> View:
    """python-hl7's view with its time texts read as instants, for comparison."""

    def at(text: str) -> datetime | None:
        return parse_time(text, zone) if text else None

    return {
        **view,
        "sent_at": at(view["sent_at"]),
        "requests": [(s, at(t)) for s, t in view["requests"]],
        "observations": [(*o[:7], at(o[7]), *o[8:]) for o in view["observations"]],
    }
