"""Password hashing with argon2id (OWASP parameters), always off the event loop."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

# Each hash holds 19 MiB and a core for ~50 ms: bound how many run at once so a burst of
# logins queues instead of exhausting memory or starving every other request thread.
_SLOTS = threading.BoundedSemaphore(4)

# Verified against when the account does not exist, so unknown emails cost the same time.
_DUMMY_HASH = HASHER.hash("journal-timing-equaliser")

MIN_LENGTH = 8
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    with _SLOTS:
        return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time verify; ``None`` burns the same work and returns False."""
    with _SLOTS:
        try:
            return HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)
