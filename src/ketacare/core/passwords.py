"""Password rules for staff accounts."""

from __future__ import annotations

from ketacare.core.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B §5.1.1.2 allows 8; clinics handle PHI, so we ask for 12


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Refuse short passwords and ones that contain the account's email name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: f"Use at least {MIN_PASSWORD_LENGTH} characters."})
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        raise ValidationFailed({field: "Do not use your email name in the password."})
