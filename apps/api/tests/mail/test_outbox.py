"""The mail outbox: queued with its cause, delivered after an SMTP outage, never twice,
retried with growing back-off, given up (and counted) after a day, blank once sent."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from apps.api.app.auth import service
from apps.api.app.auth.models import User
from apps.api.app.config import Settings
from apps.api.app.db.base import utcnow
from apps.api.app.db.engine import make_engine
from apps.api.app.db.session import make_sessionmaker
from apps.api.app.mail import outbox
from apps.api.app.mail.mailer import Mail
from apps.api.app.mail.models import OutboxMail
from apps.api.tests.conftest import PASSWORD, post_login
from apps.api.tests.faults import CuttableProxy
from apps.api.tests.mailsink import MailSink, link_in


class RecordingMailer:
    """Delivers into a list (thread-safe), slowly enough for two senders to overlap."""

    def __init__(self, delay: float = 0.0) -> None:
        self.sent: list[str] = []
        self.delay = delay
        self._lock = threading.Lock()

    def deliver(self, mail: Mail) -> None:
        time.sleep(self.delay)
        with self._lock:
            self.sent.append(mail.to)

    def send(self, mail: Mail) -> None:
        self.deliver(mail)


class FailingMailer:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.tries = 0

    def deliver(self, mail: Mail) -> None:
        self.tries += 1
        raise self.error

    def send(self, mail: Mail) -> None:
        self.deliver(mail)


def _mail(to: str) -> Mail:
    return Mail(to=to, subject="Hello", text=f"link http://x/verify?token=secret-{to}", html="<p>")


def _failures() -> float:
    return REGISTRY.get_sample_value("mail_send_failures_total") or 0.0


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings)
    yield make_sessionmaker(engine)
    engine.dispose()


def _queue(factory: sessionmaker[Session], *recipients: str) -> None:
    with factory() as db:
        for to in recipients:
            outbox.enqueue(db, _mail(to))
        db.commit()


def _rows(factory: sessionmaker[Session]) -> list[OutboxMail]:
    with factory() as db:
        return list(db.scalars(select(OutboxMail).order_by(OutboxMail.recipient)))


def _wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# ---- through the API -------------------------------------------------------------------------


def test_register_answers_202_while_smtp_is_down_and_the_link_arrives_when_it_returns(
    client_factory: Callable[..., TestClient], mail_sink: MailSink
) -> None:
    proxy = CuttableProxy("127.0.0.1", mail_sink.port)  # not listening yet: SMTP is down
    client = client_factory(smtp_host="127.0.0.1", smtp_port=proxy.port)
    factory: sessionmaker[Session] = client.app.state.outbox.factory  # type: ignore[attr-defined]

    response = client.post(
        "/api/auth/register", json={"email": "down@example.com", "password": PASSWORD}
    )
    assert response.status_code == 202
    _wait_until(lambda: any(r.attempts >= 1 for r in _rows(factory)))  # tried and failed
    [row] = _rows(factory)
    assert row.sent_at is None
    assert row.failed_at is None
    assert row.last_error
    assert row.next_attempt_at - utcnow() > timedelta(seconds=20)  # backing off ~30 s
    assert mail_sink.to("down@example.com") == []

    with proxy:  # SMTP is back
        # The retry is due in 30 s: run the sender as if that time had come.
        client.app.state.outbox.send_due(now=row.next_attempt_at)  # type: ignore[attr-defined]
        mail = mail_sink.wait_for("down@example.com")[0]
    token = link_in(mail, "/verify")
    assert client.post("/api/auth/verify", json={"token": token}).status_code == 200
    assert post_login(client, "down@example.com", PASSWORD).status_code == 200
    [row] = [r for r in _rows(factory) if r.recipient == "down@example.com"]
    assert row.sent_at is not None
    assert row.attempts == 2


def test_a_sent_mail_keeps_no_token_in_the_database(
    client_factory: Callable[..., TestClient], mail_sink: MailSink
) -> None:
    client = client_factory(smtp_host="127.0.0.1", smtp_port=mail_sink.port)
    factory: sessionmaker[Session] = client.app.state.outbox.factory  # type: ignore[attr-defined]
    client.post("/api/auth/register", json={"email": "rest@example.com", "password": PASSWORD})
    token = link_in(mail_sink.wait_for("rest@example.com")[0], "/verify")
    _wait_until(lambda: all(r.sent_at is not None for r in _rows(factory)))
    [row] = _rows(factory)
    assert row.text_body == ""
    assert row.html_body == ""
    assert token not in f"{row.subject} {row.last_error} {row.recipient}"


# ---- same transaction as the cause -----------------------------------------------------------


def _fail_commit(db: Session) -> None:
    def boom(_session: Session) -> None:
        raise RuntimeError("injected failure after the mail was queued")

    event.listen(db, "before_commit", boom)


def test_a_mail_is_queued_in_the_same_transaction_as_its_cause(
    db: Session, settings: Settings
) -> None:
    _fail_commit(db)
    with pytest.raises(RuntimeError, match="injected"):
        service.register(db, settings, "atomic@example.com", PASSWORD)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_a_reset_request_that_fails_to_commit_queues_no_mail(
    db: Session, settings: Settings, make_user: Callable[..., Any]
) -> None:
    user = make_user()
    _fail_commit(db)
    with pytest.raises(RuntimeError, match="injected"):
        service.request_password_reset(db, settings, user.email)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_a_committed_use_case_leaves_its_mail_queued(db: Session, settings: Settings) -> None:
    service.register(db, settings, "queued@example.com", PASSWORD)
    rows = list(db.scalars(select(OutboxMail)))
    assert [(r.recipient, r.subject) for r in rows] == [
        ("queued@example.com", "Confirm your email for Journal")
    ]
    assert "/verify?token=" in rows[0].text_body


# ---- claiming: leases, exactly once ----------------------------------------------------------


def test_a_claimed_mail_is_not_claimed_again_until_its_lease_expires(
    factory: sessionmaker[Session],
) -> None:
    _queue(factory, "lease@example.com")
    now = utcnow()
    assert len(outbox.claim(factory, now)) == 1
    assert outbox.claim(factory, now) == []
    assert outbox.claim(factory, now + timedelta(seconds=59)) == []
    assert len(outbox.claim(factory, now + outbox.LEASE + timedelta(seconds=1))) == 1


def test_two_senders_on_one_database_deliver_each_mail_exactly_once(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    recipients = [f"m{i:03}@example.com" for i in range(60)]
    _queue(factory, *recipients)
    engines: list[Engine] = [make_engine(settings), make_engine(settings)]
    mailer = RecordingMailer(delay=0.005)
    senders = [outbox.OutboxSender(make_sessionmaker(e), mailer) for e in engines]
    start = threading.Barrier(len(senders))

    def run(sender: outbox.OutboxSender) -> int:
        start.wait()
        return sender.send_due()

    try:
        with ThreadPoolExecutor(len(senders)) as pool:
            counts = list(pool.map(run, senders))
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(mailer.sent) == recipients  # every mail once, none twice
    assert sum(counts) == len(recipients)
    assert all(count > 0 for count in counts), counts  # both really took part
    rows = _rows(factory)
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows), [
        (r.sent_at, r.attempts) for r in rows
    ]


# ---- back-off, give-up, the counter ----------------------------------------------------------


def test_backoff_doubles_to_an_hour_then_gives_up_after_a_day_and_counts_it(
    factory: sessionmaker[Session],
) -> None:
    _queue(factory, "bounce@example.com")
    [row] = _rows(factory)
    mailer = FailingMailer(OSError("connection refused"))
    failures = _failures()
    now: datetime = row.created_at
    delays: list[float] = []
    while True:
        assert outbox.send_due(factory, mailer, now) == 0
        [row] = _rows(factory)
        if row.failed_at is not None:
            break
        delays.append((row.next_attempt_at - now).total_seconds())
        # Not due a second before its time; due at it.
        assert outbox.claim(factory, row.next_attempt_at - timedelta(seconds=1)) == []
        now = row.next_attempt_at
        assert len(delays) < 100
    assert delays[:8] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert set(delays[7:]) == {3600}
    assert row.failed_at - row.created_at >= outbox.GIVE_UP_AFTER
    assert row.failed_at - row.created_at < outbox.GIVE_UP_AFTER + outbox.MAX_RETRY
    assert row.attempts == mailer.tries == len(delays) + 1
    assert row.text_body == ""
    assert row.html_body == ""
    assert row.last_error
    assert "connection refused" in row.last_error
    assert _failures() == failures + 1
    # Given up means given up: never claimed again.
    assert outbox.claim(factory, now + timedelta(days=30)) == []


def test_a_refused_recipient_is_given_up_at_once_and_counted(
    factory: sessionmaker[Session],
) -> None:
    _queue(factory, "nobody@example.com")
    failures = _failures()
    refused = smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"no such user")})
    outbox.send_due(factory, FailingMailer(refused), utcnow())
    [row] = _rows(factory)
    assert row.failed_at is not None
    assert row.attempts == 1
    assert _failures() == failures + 1


def test_the_failure_counter_is_exported_from_the_start(
    client_factory: Callable[..., TestClient],
) -> None:
    text = client_factory(metrics_enabled=True).get("/metrics").text
    assert "mail_send_failures_total" in text


# ---- pruning ---------------------------------------------------------------------------------


def test_prune_removes_finished_mails_after_a_week_and_keeps_pending_ones(
    factory: sessionmaker[Session],
) -> None:
    _queue(factory, "a-sent@example.com", "b-pending@example.com")
    now = utcnow()
    with factory() as db:
        sent = db.scalars(select(OutboxMail).where(OutboxMail.recipient.startswith("a-"))).one()
        sent.sent_at = now
        db.commit()
        assert outbox.prune(db, now + timedelta(days=6)) == 0
        assert outbox.prune(db, now + outbox.KEEP_FINISHED + timedelta(minutes=1)) == 1
    assert [r.recipient for r in _rows(factory)] == ["b-pending@example.com"]


def test_two_overlapping_lifespans_of_one_app_each_start_and_stop_their_own_sender(
    client_factory: Callable[..., TestClient],
) -> None:
    """A test harness (schemathesis) may run a second lifespan of the same app, in another
    event loop, before the first one ends: each stops cleanly, and neither waits on the
    other's loop."""
    client = client_factory()
    first = TestClient(client.app)
    second = TestClient(client.app)
    first.__enter__()
    second.__enter__()
    assert first.get("/api/health").status_code == 200
    first.__exit__(None, None, None)
    assert second.get("/api/health").status_code == 200
    second.__exit__(None, None, None)
