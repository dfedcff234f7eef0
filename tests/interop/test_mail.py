"""The SMTP mailer delivers to a real local server, and every failure is a clear MailNotSent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ketacare.core.errors import ConfigurationError
from ketacare.interop.mail import MailNotSent, SmtpMailer
from ketacare.settings import Settings
from tests.interop.smtp import Inbox, free_port, smtp_server


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


def mailer(port: int, **overrides: object) -> SmtpMailer:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "sender": "clinic@clinic.test",
        "starttls": False,
        "timeout_seconds": 5,
    }
    values.update(overrides)
    return SmtpMailer(**values)  # type: ignore[arg-type]


def test_a_message_arrives_with_its_text_and_html_parts(inbox: Inbox):
    mailer(inbox.port).send("ada@example.org", "Hello", "Plain words.", "<p>Plain words.</p>")
    [message] = inbox.messages
    assert (message["To"], message["From"], message["Subject"]) == (
        "ada@example.org",
        "clinic@clinic.test",
        "Hello",
    )
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content().strip() == "Plain words."
    assert "<p>Plain words.</p>" in html.get_content()


def test_a_server_without_starttls_is_refused_when_starttls_is_required(inbox: Inbox):
    with pytest.raises(MailNotSent, match="does not offer STARTTLS"):
        mailer(inbox.port, starttls=True).send("ada@example.org", "Hello", "Text")
    assert inbox.messages == []


def test_an_unreachable_server_is_named_in_the_error():
    port = free_port()
    with pytest.raises(MailNotSent, match=f"127.0.0.1:{port} could not be reached"):
        mailer(port).send("ada@example.org", "Hello", "Text")


def test_the_password_is_never_shown_in_the_mailers_repr():
    assert "s3cret" not in repr(mailer(25, username="clinic", password="s3cret"))


def test_email_is_off_without_a_host_and_configured_from_settings(tmp_path: Path):
    assert SmtpMailer.from_settings(Settings()) is None
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    configured = SmtpMailer.from_settings(
        Settings(
            smtp_host="mail.clinic.test",
            smtp_port=2525,
            smtp_username="clinic",
            smtp_password_file=secret,
            mail_from="clinic@clinic.test",
        )
    )
    assert configured == SmtpMailer(
        "mail.clinic.test", 2525, "clinic@clinic.test", "clinic", "s3cret", True, 10
    )


def test_mail_settings_are_checked():
    with pytest.raises(ValueError, match="KETACARE_MAIL_FROM"):
        Settings(smtp_host="mail.clinic.test")
    with pytest.raises(ValueError, match=r"https://clinic\.example"):
        Settings(public_base_url="clinic.example")
    assert Settings(public_base_url="https://clinic.example/").resolved_public_base_url == (
        "https://clinic.example"
    )
    with pytest.raises(ConfigurationError, match="KETACARE_SMTP_PASSWORD_FILE"):
        _ = Settings(smtp_password_file=Path("/nonexistent/file")).resolved_smtp_password
