"""Password hashing with argon2id (OWASP parameters), always off the event loop."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from apps.api.app.auth.exceptions import HashingBusy

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

# Each hash holds 19 MiB and a core for ~50 ms: bound how many run at once so a burst cannot
# exhaust memory, and how many may wait for a slot, so a flood (of registrations, say) cannot
# park every request thread behind argon2: past that, the answer is 503 at once.
SLOTS = 4
MAX_WAITING = 8
WAIT_SECONDS = 2.0
_slots = threading.BoundedSemaphore(SLOTS)
_waiting = 0
_waiting_lock = threading.Lock()

# Hashes run on threads of their own at a lower CPU priority (Linux schedules threads, and
# nice is per thread): when the cores are busy, a burst of sign-ins (or an attack on them)
# takes only the CPU that requests already signed in leave over, instead of an equal share;
# on an idle machine hashing still gets every cycle. Hand-written because no library runs
# argon2 this way. Unprivileged processes may lower a thread's priority but never raise it
# back, so these threads stay niced for good and run nothing else.
HASHING_NICENESS = 10
_T = TypeVar("_T")


def _lower_priority() -> None:
    # Not Linux, or not allowed: hash at normal priority.
    with suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(niceness, 19))


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _forget_pool_in_child() -> None:
    # A forked child has none of the parent's threads: it starts its own pool when it hashes.
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_forget_pool_in_child)


def _on_hashing_thread(work: Callable[[], _T]) -> _T:
    """Run ``work`` on a low-priority hashing thread; the caller (holding a slot) waits."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(
                    SLOTS, thread_name_prefix="argon2", initializer=_lower_priority
                )
    return _pool.submit(work).result()


@contextmanager
def _hash_slot() -> Iterator[None]:
    global _waiting
    if not _slots.acquire(blocking=False):
        with _waiting_lock:
            if _waiting >= MAX_WAITING:
                raise HashingBusy()
            _waiting += 1
        try:
            acquired = _slots.acquire(timeout=WAIT_SECONDS)
        finally:
            with _waiting_lock:
                _waiting -= 1
        if not acquired:
            raise HashingBusy()
    try:
        yield
    finally:
        _slots.release()


# Verified against when the account does not exist, so unknown emails cost the same time.
_DUMMY_HASH = HASHER.hash("journal-timing-equaliser")

MIN_LENGTH = 8
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    with _hash_slot():
        return _on_hashing_thread(lambda: HASHER.hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time verify; ``None`` burns the same work and returns False."""

    def verify() -> bool:
        try:
            return HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    with _hash_slot():
        return _on_hashing_thread(verify)


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships a frequency list of the 30,000 most common leaked passwords.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why this password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Password must be at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords():
        return "This password is one of the most common ones and easy to guess. Choose another."
    if any(part and len(part) >= 4 and lowered == part.lower() for part in user_inputs):
        return "Your password must not be your email or name."
    from zxcvbn import zxcvbn

    # zxcvbn's cost grows with length; the first 64 characters decide guessability anyway.
    if zxcvbn(password[:64], user_inputs=[u[:64] for u in user_inputs])["score"] == 0:
        return "This password is too easy to guess. Add more words or characters."
    return None
