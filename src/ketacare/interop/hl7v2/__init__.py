"""HL7 v2 ingest from bedside monitors: ORU^R01 parsing, vital-sign mapping, ACKs, MLLP framing.

The listener's hot path, per connection::

    decoder = FrameDecoder(max_frame_bytes)
    for event in decoder.feed(chunk):            # Frame | Garbage | Oversize
        message = parse_oru(event.payload, site_zone)   # MessageRejected -> AR
        found = readings_of(message)             # readings + problems (-> AE)
        ... commit, then send frame(ack_for(message, "AA", "", now))
"""

from ketacare.interop.hl7v2.ack import AckCode, ack_for, hl7_timestamp
from ketacare.interop.hl7v2.errors import Hl7Error, Hl7ErrorCode, MessageRejected
from ketacare.interop.hl7v2.mllp import Event, Frame, FrameDecoder, Garbage, Oversize, frame
from ketacare.interop.hl7v2.parse import (
    Coded,
    EntityId,
    Header,
    HierarchicDesignator,
    Observation,
    ObservationRequest,
    OruMessage,
    PatientId,
    parse_oru,
    read_header,
)
from ketacare.interop.hl7v2.vitals import MessageReadings, Reading, readings_of, vital_of

__all__ = [
    "AckCode",
    "Coded",
    "EntityId",
    "Event",
    "Frame",
    "FrameDecoder",
    "Garbage",
    "Header",
    "HierarchicDesignator",
    "Hl7Error",
    "Hl7ErrorCode",
    "MessageReadings",
    "MessageRejected",
    "Observation",
    "ObservationRequest",
    "OruMessage",
    "Oversize",
    "PatientId",
    "Reading",
    "ack_for",
    "frame",
    "hl7_timestamp",
    "parse_oru",
    "read_header",
    "readings_of",
    "vital_of",
]
