"""The one error of dose arithmetic, worded for the nurse or prescriber at the pump."""

from __future__ import annotations

from ketacare.core.errors import KetacareError


class DosingError(KetacareError):
    """A dose, volume or rate cannot be calculated safely from these inputs.

    The message says what is wrong and what range is allowed; ``field`` names the input at fault
    (``weight_kg``, ``duration_min``, ...) so a form can draw the message next to it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)
