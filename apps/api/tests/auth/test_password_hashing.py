"""Password hashing runs on threads of its own at a lower CPU priority, so a burst of
sign-ins cannot take an equal share of busy cores from requests already signed in."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from apps.api.app.auth import passwords


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread niceness is Linux's")
def test_hashes_run_on_lower_priority_threads_and_the_caller_keeps_its_own() -> None:
    caller = _niceness()
    seen: list[tuple[str, int]] = []

    def work() -> str:
        seen.append((threading.current_thread().name, _niceness()))
        return passwords.HASHER.hash("correct horse battery")

    hashed = passwords._on_hashing_thread(work)
    ((name, hashing),) = seen
    assert name.startswith("argon2")
    assert hashing == min(caller + passwords.HASHING_NICENESS, 19)
    assert _niceness() == caller  # the request's own thread is left as it was
    assert passwords.HASHER.verify(hashed, "correct horse battery")


def test_verify_and_hash_answer_as_before() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong horse battery")
    assert not passwords.verify_password(None, "anything at all")
    assert not passwords.verify_password("not-a-hash", "anything at all")


def test_an_error_while_hashing_reaches_the_caller() -> None:
    def boom() -> str:
        raise RuntimeError("hashing failed")

    with pytest.raises(RuntimeError, match="hashing failed"):
        passwords._on_hashing_thread(boom)
