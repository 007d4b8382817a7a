"""The durable mail outbox: mails are rows first, written with the change that causes them,
then delivered by a background sender, retried with back-off, and never sent twice.

Writing: a use case calls ``enqueue(db, mail)`` (flush only) before its single commit, so a
mail exists exactly when its cause does: a rolled-back registration leaves no mail, and a
committed one cannot lose its mail to a crash or an SMTP outage.

Sending: ``OutboxSender`` runs in the app's lifespan on every worker/replica. It claims due
rows with a lease (``lease_until`` = now + 60 s, ``lease_owner`` = a fresh uuid per claim):
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, and on every database an ``UPDATE`` that
repeats the "due and unleased" condition (a compare-and-set), so two senders never claim one
row. Delivery goes through the configured mailer in a thread, off the event loop. A failure is
retried after 30 s, doubling up to 1 h; a mail still failing a day after it was queued (or
refused by the server) is given up, logged and counted in ``mail_send_failures_total``.

Tokens at rest: a queued verify/reset link holds a usable token in ``text_body``/``html_body``
(``email_tokens`` keeps only its hash). The bodies are blanked in the same statement that
marks the row sent or given up, so after delivery the database holds no usable token; a
pending row lives at most ``GIVE_UP_AFTER`` (1 day, the verify link's own lifetime; a reset
link's token expires after 1 h anyway). Sent and given-up rows (recipient, subject and
timestamps only) are pruned after a week by the hourly pruner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from apps.api.app.db.base import utcnow
from apps.api.app.mail import metrics
from apps.api.app.mail.mailer import Mail, Mailer
from apps.api.app.mail.models import OutboxMail

log = logging.getLogger("journal.mail")

LEASE = timedelta(seconds=60)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=1)
KEEP_FINISHED = timedelta(days=7)
BATCH = 20
POLL_SECONDS = 1.0
_CLAIM_TRIES = 5

_ENQUEUED = "journal.outbox.enqueued"  # Session.info flag: wake the sender after commit


def enqueue(db: Session, mail: Mail) -> OutboxMail:
    """Queue a mail in the caller's transaction (flush only: the use case commits)."""
    now = utcnow()
    row = OutboxMail(
        recipient=mail.to,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
    )
    db.add(row)
    db.flush()
    db.info[_ENQUEUED] = True
    return row


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: 30 s, 60 s, … capped at 1 h."""
    doublings: int = max(attempts - 1, 0)
    return min(FIRST_RETRY * (1 << min(doublings, 16)), MAX_RETRY)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMail.sent_at.is_(None),
        OutboxMail.failed_at.is_(None),
        OutboxMail.next_attempt_at <= now,
        or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until < now),
    )


def claim(factory: sessionmaker[Session], now: datetime, limit: int = BATCH) -> list[OutboxMail]:
    """Lease up to ``limit`` due mails to a new owner and return them (committed).

    If another sender took every row this one picked in between, pick again: there may be
    more due mail behind them.
    """
    owner = str(uuid.uuid4())
    with factory() as db:
        for _ in range(_CLAIM_TRIES):
            query = select(OutboxMail.id).where(_due(now)).order_by(OutboxMail.next_attempt_at)
            query = query.limit(limit)
            if db.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            ids = list(db.scalars(query))
            if not ids:
                db.rollback()
                return []
            # Compare-and-set: only rows still due and unleased are taken (SQLite serialises
            # writers; PostgreSQL re-checks the condition after any row lock it waited for).
            db.execute(
                update(OutboxMail)
                .where(OutboxMail.id.in_(ids), _due(now))
                .values(lease_until=now + LEASE, lease_owner=owner)
                .execution_options(synchronize_session=False)
            )
            db.commit()
            rows = list(
                db.scalars(
                    select(OutboxMail)
                    .where(OutboxMail.id.in_(ids), OutboxMail.lease_owner == owner)
                    .order_by(OutboxMail.created_at)
                )
            )
            db.commit()
            if rows:
                return rows
        return []


def _finish(factory: sessionmaker[Session], row: OutboxMail, **values: Any) -> None:
    """Record an attempt's outcome, if this sender still holds the row's lease."""
    with factory() as db:
        db.execute(
            update(OutboxMail)
            .where(OutboxMail.id == row.id, OutboxMail.lease_owner == row.lease_owner)
            .values(attempts=row.attempts + 1, lease_until=None, lease_owner=None, **values)
            .execution_options(synchronize_session=False)
        )
        db.commit()


def _give_up(factory: sessionmaker[Session], row: OutboxMail, now: datetime, error: str) -> None:
    _finish(factory, row, failed_at=now, last_error=error, text_body="", html_body="")
    metrics.send_failed()
    log.error(
        "mail %s (subject %r) given up after %d attempt(s): %s",
        row.id,
        row.subject,
        row.attempts + 1,
        error,
    )


def deliver(factory: sessionmaker[Session], mailer: Mailer, row: OutboxMail, now: datetime) -> bool:
    """One attempt at one claimed mail: sent, retried later, or given up. True if sent."""
    mail = Mail(to=row.recipient, subject=row.subject, text=row.text_body, html=row.html_body)
    try:
        mailer.deliver(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        _give_up(factory, row, now, f"refused: {exc}"[:200])
        return False
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:200]
        if now - row.created_at >= GIVE_UP_AFTER:
            _give_up(factory, row, now, error)
            return False
        delay = retry_delay(row.attempts + 1)
        _finish(factory, row, next_attempt_at=now + delay, last_error=error)
        log.warning(
            "mail %s failed (attempt %d): %s; retry in %s", row.id, row.attempts + 1, error, delay
        )
        return False
    _finish(factory, row, sent_at=now, last_error=None, text_body="", html_body="")
    return True


def send_due(factory: sessionmaker[Session], mailer: Mailer, now: datetime | None = None) -> int:
    """Claim and deliver every mail due at ``now`` (default: the clock); the number sent."""
    sent = 0
    while True:
        at = now or utcnow()
        rows = claim(factory, at)
        if not rows:
            return sent
        for row in rows:
            sent += deliver(factory, mailer, row, at)
        if now is not None and len(rows) < BATCH:
            return sent


def prune(db: Session, now: datetime | None = None) -> int:
    """Delete mails sent or given up more than a week ago (their bodies are already blank)."""
    cutoff = (now or utcnow()) - KEEP_FINISHED
    result = db.execute(
        delete(OutboxMail).where(or_(OutboxMail.sent_at < cutoff, OutboxMail.failed_at < cutoff))
    )
    db.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class _Running:
    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event
    task: asyncio.Task[None]


class OutboxSender:
    """The background delivery loop of one process: wakes on a commit that queued mail in
    this process (``watch``), and polls every ``poll_seconds`` for mail queued elsewhere or
    due again. ``factory`` should be bound to the sender's own small engine, so mail delivery
    and request handling never wait for each other's connections."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        mailer: Mailer,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.factory = factory
        self.mailer = mailer
        self.poll_seconds = poll_seconds
        self._running: _Running | None = None  # the latest started loop: wake() goes there

    def watch(self, requests: sessionmaker[Session]) -> None:
        """Wake when a session of ``requests`` commits a transaction that queued mail."""
        event.listen(requests, "after_commit", self._after_commit)
        event.listen(requests, "after_rollback", self._after_rollback)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_ENQUEUED, False):
            self.wake()

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(_ENQUEUED, None)

    def wake(self) -> None:
        """Thread-safe: deliver soon (called after a commit that queued mail)."""
        running = self._running
        if running is not None and not running.loop.is_closed():
            running.loop.call_soon_threadsafe(running.wake.set)

    def send_due(self, now: datetime | None = None) -> int:
        """Deliver what is due now, in the caller's thread (tests, the loop's worker thread)."""
        return send_due(self.factory, self.mailer, now)

    async def drain(self) -> int:
        return await asyncio.to_thread(self.send_due)

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            wake.clear()
            try:
                await self.drain()
            except Exception:
                log.exception("mail outbox delivery failed; will retry")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.poll_seconds)

    def start(self) -> _Running:
        """Start delivering in the running event loop; the caller stops what it started.
        Each start has its own event and task, so two overlapping lifespans of one app (a
        test harness may run them in two loops) never wait on each other's loop."""
        wake = asyncio.Event()
        running = _Running(asyncio.get_running_loop(), wake, asyncio.create_task(self._run(wake)))
        self._running = running
        return running

    async def stop(self, running: _Running) -> None:
        if self._running is running:
            self._running = None
        running.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running.task
