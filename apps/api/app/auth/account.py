"""Account security use cases: change the email address, delete the account.

Like ``service``: plain arguments in, domain errors out, one commit per use case, mails
queued in the outbox and events in the activity log within that same transaction.

Email change: ``request_email_change`` (step-up) mails a single-use link to the new address
(an ``email_tokens`` row of purpose ``email_change`` holding the token's hash and the new
address, bound to the user) and a notice to the old one. An address that already has an
account gets a short "nothing changed" note instead of a link, so the answer, the work and
the number of mails are the same either way (no enumeration). ``confirm_email_change``
applies the address if it is still free (the unique index settles a race), voids the other
mailed links (a reset link in the old inbox must not outlive the move) and ends every other
session.

Deletion: ``erase_user`` removes, explicitly, the rows of every table that references
``users.id`` (entries, tags, sessions, tokens, events — and any table added later), the
mails still addressed to the account, then the user; the database's ON DELETE CASCADE is
only the safety net. ``delete_account`` (step-up, goodbye notice) and the CLI's
``delete_user`` share it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Table, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apps.api.app.auth import events, metrics, sessions
from apps.api.app.auth.budgets import take_mail_quota
from apps.api.app.auth.exceptions import InvalidEmailToken
from apps.api.app.auth.models import User
from apps.api.app.auth.reasons import AuthEvent, Purpose, RevokeReason
from apps.api.app.auth.service import (
    VERIFY_TTL,
    _claim_email_token,
    _expire_tokens,
    _issue_email_token,
    get_user_by_email,
    link,
    normalise_email,
)
from apps.api.app.auth.stepup import check_step_up
from apps.api.app.config import Settings
from apps.api.app.db.base import Base, utcnow
from apps.api.app.mail import outbox, templates
from apps.api.app.mail.models import OutboxMail
from apps.api.app.ratelimit import RateLimiter
from apps.api.app.useragent import device_label

EMAIL_CHANGE_TTL = VERIFY_TTL  # 24 h


# ---- email change ----------------------------------------------------------------------------


def request_email_change(
    db: Session,
    settings: Settings,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    new_email: str,
    ip: str | None,
    user_agent: str | None,
) -> None:
    """Mail a confirmation link to ``new_email`` and a notice to the current address.

    The same outcome, seen from the caller, whether or not the new address is taken."""
    user = db.get_one(User, user_id)
    check_step_up(db, limiter, user, password=password, code=code, ip=ip)
    new_email = normalise_email(new_email)
    take_mail_quota(limiter, "email-change", new_email, ip)
    if new_email == user.email:
        return  # nothing to change (and nothing to reveal: it is the caller's own address)
    # Only the latest request's link stays valid.
    _expire_tokens(db, user.id, Purpose.EMAIL_CHANGE)
    if get_user_by_email(db, new_email) is None:
        token = _issue_email_token(
            db, user, Purpose.EMAIL_CHANGE, EMAIL_CHANGE_TTL, new_email=new_email
        )
        outbox.enqueue(
            db, templates.confirm_email_change(new_email, link(settings, "/confirm-email", token))
        )
    else:
        outbox.enqueue(db, templates.email_change_taken(new_email))
    outbox.enqueue(
        db,
        templates.email_change_requested(
            user.email,
            new_email,
            device_label(user_agent),
            ip,
            templates.notice_time(),
            link(settings, "/settings"),
        ),
    )
    db.commit()


def confirm_email_change(
    db: Session,
    token: str,
    *,
    keep_session: uuid.UUID | None,
    ip: str | None,
    user_agent: str | None,
) -> User:
    """Apply the address a mailed link confirms. 400 ``invalid_token`` if the link is used,
    expired, unknown, or its address has been taken meanwhile (nothing is committed then).

    Every session of the user but ``keep_session`` (the device confirming, if signed in to
    this account) ends."""
    row, user = _claim_email_token(db, token, Purpose.EMAIL_CHANGE)
    new_email = row.new_email
    if not new_email:
        raise InvalidEmailToken()
    taken = get_user_by_email(db, new_email)
    if taken is not None and taken.id != user.id:
        raise InvalidEmailToken()
    user.email = new_email
    # The link proved the new address.
    user.email_verified_at = user.email_verified_at or utcnow()
    for purpose in (Purpose.EMAIL_CHANGE, Purpose.RESET, Purpose.VERIFY):
        _expire_tokens(db, user.id, purpose)
    revoked = sessions.revoke_user_sessions(
        db, user.id, RevokeReason.EMAIL_CHANGED, keep=keep_session
    )
    events.record_event(db, user.id, AuthEvent.EMAIL_CHANGED, ip=ip, user_agent=user_agent)
    try:
        db.flush()  # the unique index on users.email settles a concurrent claim of the address
        db.commit()
    except IntegrityError:
        db.rollback()
        raise InvalidEmailToken() from None
    metrics.revoked(RevokeReason.EMAIL_CHANGED, revoked)
    return user


# ---- deletion --------------------------------------------------------------------------------


def _owned_tables() -> list[tuple[Table, str]]:
    """Every mapped table with a column referencing ``users.id``, children first (so that a
    table referencing another owned one is emptied before it)."""
    owned = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == User.__tablename__:
            continue
        for column in table.columns:
            if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys):
                owned.append((table, column.name))
    return owned


def erase_user(db: Session, user: User) -> int:
    """Delete the user and everything they own (flush only). Returns how many live sessions
    ended with it (their rows go too, so their tokens stop working at once)."""
    revoked = sessions.revoke_user_sessions(db, user.id, RevokeReason.ACCOUNT_DELETED)
    for table, column in _owned_tables():
        db.execute(delete(table).where(table.c[column] == user.id))
    # Mail still addressed to the account (pending links and notices, and the recipient and
    # subject kept for a week after sending) is the account's data too.
    db.execute(delete(OutboxMail).where(OutboxMail.recipient == user.email))
    db.execute(delete(User).where(User.id == user.id))
    db.expunge(user)
    db.flush()
    return revoked


def delete_account(
    db: Session,
    limiter: RateLimiter,
    user_id: uuid.UUID,
    *,
    password: str,
    code: str | None,
    ip: str | None,
    user_agent: str | None,
) -> None:
    """The owner deletes their account (step-up): everything goes in one transaction, and a
    goodbye notice is queued in it (the outbox row does not belong to the user)."""
    user = db.get_one(User, user_id)
    check_step_up(db, limiter, user, password=password, code=code, ip=ip)
    email = user.email
    revoked = erase_user(db, user)
    outbox.enqueue(
        db, templates.account_deleted(email, device_label(user_agent), ip, templates.notice_time())
    )
    db.commit()
    metrics.revoked(RevokeReason.ACCOUNT_DELETED, revoked)


def delete_user(db: Session, user: User) -> None:
    """An administrator deletes an account (CLI): the same erasure, no notice."""
    revoked = erase_user(db, db.merge(user))
    db.commit()
    metrics.revoked(RevokeReason.ACCOUNT_DELETED, revoked)
