"""Why an inbound HL7 v2 message is refused.

``Hl7Error`` is the HL7 branch of ``InteropError`` in ``core/errors.py``. The listener answers
``AR`` for ``MessageRejected`` and puts its message, which names the field at fault, in MSA-3 and
ERR.
"""

from __future__ import annotations

from enum import IntEnum

from ketacare.core.errors import InteropError


class Hl7ErrorCode(IntEnum):
    """The HL7 v2 table 0357 "message error condition codes" the ACK may carry in ERR-3."""

    SEGMENT_SEQUENCE_ERROR = 100
    REQUIRED_FIELD_MISSING = 101
    DATA_TYPE_ERROR = 102
    TABLE_VALUE_NOT_FOUND = 103
    UNSUPPORTED_MESSAGE_TYPE = 200
    UNSUPPORTED_EVENT_CODE = 201
    UNKNOWN_KEY_IDENTIFIER = 204
    APPLICATION_INTERNAL_ERROR = 207

    @property
    def text(self) -> str:
        """The code's name as table 0357 spells it, for ERR-3.2."""
        return self.name.replace("_", " ").capitalize()


class Hl7Error(InteropError):
    """Something about HL7 v2 traffic (a message or its MLLP framing) cannot be handled."""


class MessageRejected(Hl7Error):
    """The message cannot be read as an ORU^R01: answer ``AR``; ``code`` goes into ERR-3."""

    def __init__(self, message: str, code: Hl7ErrorCode = Hl7ErrorCode.DATA_TYPE_ERROR) -> None:
        self.code = code
        super().__init__(message)
