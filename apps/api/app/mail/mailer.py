"""Outgoing mail: SMTP when configured, otherwise the server log (development)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from apps.api.app.config import Settings
from apps.api.app.logging_setup import redact

log = logging.getLogger("journal.mail")


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


class Mailer(Protocol):
    def deliver(self, mail: Mail) -> None:
        """One attempt; raises on failure (``mail.outbox`` retries with back-off)."""


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip("> ") or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


class ConsoleMailer:
    """Development backend: the whole mail goes to the log so links can be followed offline.

    In production the tokens in links are redacted: a log is no place for a credential.
    """

    def __init__(self, sender: str, *, redact_tokens: bool) -> None:
        self.sender = sender
        self.redact_tokens = redact_tokens

    def deliver(self, mail: Mail) -> None:
        self.send(mail)

    def send(self, mail: Mail) -> None:
        text = redact(mail.text) if self.redact_tokens else mail.text
        log.warning(
            "mail (console backend, JOURNAL_SMTP_HOST unset) to=%s subject=%r\n%s",
            mail.to,
            mail.subject,
            text,
        )


class SMTPMailer:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.starttls = settings.smtp_starttls
        self.sender = settings.mail_from

    def deliver(self, mail: Mail) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user and self.password:
                smtp.login(self.user, self.password.get_secret_value())
            smtp.send_message(build_message(mail, self.sender))


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_host:
        return SMTPMailer(settings)
    return ConsoleMailer(settings.mail_from, redact_tokens=settings.is_production)
