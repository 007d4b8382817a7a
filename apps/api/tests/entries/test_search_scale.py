"""Search at scale: bounded ranking work, the owner filter inside the index, short prefixes,
and a slow search that does not hold the worker's other requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from apps.api.app.entries import search
from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry as _create
from apps.api.tests.entries.helpers import search_page as _search
from apps.api.tests.entries.helpers import titles as _titles


def _all_pages(client: TestClient, headers: dict[str, str], q: str, limit: int) -> list[str]:
    titles: list[str] = []
    cursor = None
    for _ in range(50):
        page = _search(client, headers, q, limit=limit, **({"cursor": cursor} if cursor else {}))
        titles += _titles(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return titles
    raise AssertionError("the pages never end")


def _day(n: int) -> str:
    return (date(2024, 1, 1) + timedelta(days=n)).isoformat()


@pytest.fixture
def few_candidates(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(search, "CANDIDATES", 3)
    return 3


def test_a_rare_word_is_found_however_many_newer_entries_match_other_words(
    client: TestClient, auth_headers: dict[str, str], few_candidates: int
) -> None:
    _create(client, auth_headers, title="Old one", body="a zephyr passed", entry_date=_day(0))
    for i in range(8):
        _create(client, auth_headers, title=f"N{i}", body="river again", entry_date=_day(i + 1))
    _create(client, auth_headers, title="Old two", body="zephyr, zephyr", entry_date=_day(0))
    page = _search(client, auth_headers, "zephyr")
    assert _titles(page) == ["Old two", "Old one"]  # two matches: ranked like before
    assert page["items"][0]["snippet"]["marks"]


def test_a_frequent_word_ranks_the_title_matches_first_even_past_the_candidate_bound(
    client: TestClient, auth_headers: dict[str, str], few_candidates: int
) -> None:
    # Two old entries with the word in their title, then many newer body-only matches:
    # more than the candidate bound, so the title matches are not among the newest.
    _create(client, auth_headers, title="River", body="the river", entry_date=_day(0))
    _create(client, auth_headers, title="Down the river", body="we went", entry_date=_day(1))
    for i in range(10):
        _create(client, auth_headers, title=f"Day {i}", body="a river here", entry_date=_day(i + 2))
    first = _titles(_search(client, auth_headers, "river", limit=5))
    assert set(first[:2]) == {"River", "Down the river"}
    assert first[0] == "River"  # a shorter title holding the word scores higher


def test_every_match_is_returned_once_across_pages_past_the_candidate_bound(
    client: TestClient, auth_headers: dict[str, str], few_candidates: int
) -> None:
    for i in range(11):
        _create(client, auth_headers, title=f"E{i}", body=f"lantern {i}", entry_date=_day(i))
    _create(client, auth_headers, title="Lantern", body="the lantern", entry_date=_day(0))
    _create(client, auth_headers, title="Other", body="nothing", entry_date=_day(0))
    for limit in (1, 2, 4, 20):
        titles = _all_pages(client, auth_headers, "lantern", limit)
        assert sorted(titles) == sorted([f"E{i}" for i in range(11)] + ["Lantern"]), limit
        assert titles[0] == "Lantern"
        # After the scored candidates, the others come newest first.
        assert titles[-1] == "E0"


def test_a_prefix_needs_three_characters_shorter_it_is_a_whole_word(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, title="River walk", body="cold water")
    _create(client, auth_headers, title="Notes", body="ri is a word here")
    assert _titles(_search(client, auth_headers, "ri")) == ["Notes"]
    assert _titles(_search(client, auth_headers, "riv")) == ["River walk"]
    assert _titles(_search(client, auth_headers, "cold w")) == []
    assert _titles(_search(client, auth_headers, "cold wat")) == ["River walk"]


def test_another_users_owner_token_written_in_an_entry_matches_nothing(
    client: TestClient,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
) -> None:
    alice_user, bob_user = make_user(), make_user()
    alice = login(client, alice_user.email)
    bobs_browser = client_factory()
    bob = login(bobs_browser, bob_user.email)
    alices_token = search.owner_token(alice_user.id)
    _create(bobs_browser, bob, title=alices_token, body=f"treasure {alices_token}")
    _create(client, alice, title="Mine", body="no gold")
    assert _titles(_search(client, alice, "treasure")) == []
    assert _titles(_search(client, alice, alices_token)) == []
    assert _titles(_search(client, alice, alice_user.id.hex[:4])) == []  # no prefix either
    assert _titles(_search(bobs_browser, bob, "treasure")) == [alices_token]


def test_a_slow_search_does_not_hold_the_workers_other_requests(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads are asyncio I/O; SQLite's run on a thread")
    _create(client, auth_headers, title="Harbour", body="boats")
    started, release = threading.Event(), threading.Event()

    def hold(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # Stands for a search that takes long: the page query waits here until released.
        if "MATCH" in statement and not release.is_set():
            started.set()
            release.wait(5)

    event.listen(engine, "before_cursor_execute", hold)
    try:
        answers: dict[str, Any] = {}
        searching = threading.Thread(
            target=lambda: answers.update(search=_search(client, auth_headers, "harbour"))
        )
        searching.start()
        assert started.wait(5)
        began = time.monotonic()
        listing = client.get("/api/entries", headers=auth_headers)
        waited = time.monotonic() - began
        search_was_done = not searching.is_alive()
        release.set()
        searching.join(10)
    finally:
        release.set()
        event.remove(engine, "before_cursor_execute", hold)
    assert listing.status_code == 200
    assert _titles(listing.json()) == ["Harbour"]
    assert not search_was_done  # the listing was answered while the search was held
    assert waited < 4
    assert _titles(answers["search"]) == ["Harbour"]
