"""No mailed token reaches a log line (outside the development console mailer)."""

from __future__ import annotations

import logging

import pytest

from apps.api.app.logging_setup import RedactTokens, redact
from apps.api.app.mail.mailer import ConsoleMailer, Mail


def test_access_log_paths_lose_their_tokens() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/verify?token=SECRET123&x=1", "1.1", 200),
        None,
    )
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "SECRET123" not in line
    assert "/verify?token=[redacted]&x=1" in line


def test_redact_keeps_other_text() -> None:
    assert redact("see http://h/reset-password?token=abc-DEF_1 now") == (
        "see http://h/reset-password?token=[redacted] now"
    )


@pytest.mark.parametrize(("production", "visible"), [(False, True), (True, False)])
def test_console_mailer_redacts_links_in_production(
    production: bool, visible: bool, caplog: pytest.LogCaptureFixture
) -> None:
    mail = Mail("a@example.com", "Confirm", "Open http://h/verify?token=TOPSECRET", "<p>x</p>")
    with caplog.at_level(logging.WARNING, logger="journal.mail"):
        ConsoleMailer("Journal <x@y>", redact_tokens=production).send(mail)
    assert ("TOPSECRET" in caplog.text) is visible
