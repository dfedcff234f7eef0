"""Sending email through the clinic's SMTP server (standard library ``smtplib``).

One message per connection: questionnaire links go out one at a time from a staff action and
appointment e-mails one at a time from the job worker, so a pooled connection would only add
failure modes. Every failure becomes ``MailNotSent`` with a
message staff can act on; the password never appears in it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from ketacare.core.errors import KetacareError
from ketacare.settings import Settings


class MailNotSent(KetacareError):
    """The SMTP server could not be reached or refused the message; nothing was delivered."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message, e.g. ``Attachment("invite.ics", ics, "text/calendar",
    {"method": "REQUEST"})``; ``params`` go into its Content-Type header."""

    filename: str
    content: bytes
    content_type: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmtpMailer:
    """An SMTP server to send through: STARTTLS and login are used when configured."""

    host: str
    port: int
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = True
    timeout_seconds: float = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer | None:
        """The configured mailer, or None when KETACARE_SMTP_HOST is empty (email is off)."""
        if not settings.email_enabled:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_username,
            password=settings.resolved_smtp_password,
            starttls=settings.smtp_starttls,
            timeout_seconds=settings.smtp_timeout_seconds,
        )

    def send(
        self,
        to: str,
        subject: str,
        text_body: str,
        html_body: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """Deliver one message to ``to``; raises ``MailNotSent`` on any failure."""
        message = self._message(to, subject, text_body, html_body)
        for attachment in attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            message.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
                params=dict(attachment.params),
            )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_seconds) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as err:
            raise MailNotSent(self._explain(err)) from err

    def _message(
        self, to: str, subject: str, text_body: str, html_body: str | None
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(text_body)
        if html_body is not None:
            message.add_alternative(html_body, subtype="html")
        return message

    def _explain(self, err: Exception) -> str:
        where = f"the mail server {self.host}:{self.port}"
        if isinstance(err, smtplib.SMTPAuthenticationError):
            reason = "refused the user name or password (check KETACARE_SMTP_USERNAME/PASSWORD)"
        elif isinstance(err, smtplib.SMTPNotSupportedError):
            reason = (
                "does not offer STARTTLS (set KETACARE_SMTP_STARTTLS=false only on a local relay)"
            )
        elif isinstance(err, smtplib.SMTPRecipientsRefused):
            reason = "refused the recipient address"
        elif isinstance(err, smtplib.SMTPResponseException):
            reason = f"answered {err.smtp_code}: {_text(err.smtp_error)}"
        elif isinstance(err, socket.timeout | TimeoutError):
            reason = f"did not answer within {self.timeout_seconds:g} seconds"
        elif isinstance(err, ConnectionError | socket.gaierror):
            reason = "could not be reached"
        else:
            reason = f"failed: {err}"
        return f"The email was not sent: {where} {reason}."


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else raw
