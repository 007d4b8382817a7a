"""The mail counters. ``mail_send_failures_total`` counts mails the outbox gave up on (after
its retries, or refused outright by the server); a counter without labels reads 0 from start."""

from __future__ import annotations

from prometheus_client import Counter

MAIL_SEND_FAILURES = Counter(
    "mail_send_failures_total", "Mails given up on after every retry (or refused by the server)"
)


def send_failed() -> None:
    MAIL_SEND_FAILURES.inc()
