"""Staff password rules: at least twelve characters, and not built on the account's email name."""

from __future__ import annotations

import pytest

from ketacare.core.errors import ValidationFailed
from ketacare.core.passwords import MIN_PASSWORD_LENGTH, check_new_password


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("x" * MIN_PASSWORD_LENGTH, "nurse@clinic.test"),
        ("correct horse battery staple", "nurse@clinic.test"),
        ("abc-long-enough-password", "abc@clinic.test"),  # names under 4 letters are not checked
        ("clinic.test-is-my-domain", "nurse@clinic.test"),  # only the part before @ counts
    ],
)
def test_accepted_passwords(password: str, email: str):
    check_new_password(password, email)


@pytest.mark.parametrize(
    ("password", "email", "message"),
    [
        ("x" * (MIN_PASSWORD_LENGTH - 1), "nurse@clinic.test", "Use at least 12 characters."),
        ("", "nurse@clinic.test", "Use at least 12 characters."),
        ("my-nurse-password", "nurse@clinic.test", "Do not use your email name in the password."),
        ("MY-NURSE-PASSWORD", "Nurse@clinic.test", "Do not use your email name in the password."),
        ("annaXXXXXXXXXXXX", "anna@clinic.test", "Do not use your email name in the password."),
    ],
)
def test_refused_passwords(password: str, email: str, message: str):
    with pytest.raises(ValidationFailed) as raised:
        check_new_password(password, email)
    assert raised.value.by_field() == {"password": message}


def test_the_error_names_the_field_it_is_given():
    with pytest.raises(ValidationFailed) as raised:
        check_new_password("short", "nurse@clinic.test", field="new_password")
    assert set(raised.value.by_field()) == {"new_password"}
