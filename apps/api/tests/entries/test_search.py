"""Full-text search (SQLite FTS5 / PostgreSQL tsvector): matching, ranking, isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.app.entries.search import fts5_query, tsquery_terms
from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry as _create
from apps.api.tests.entries.helpers import search_page as _search
from apps.api.tests.entries.helpers import titles as _titles


def test_search_matches_words_in_title_and_body(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, title="River walk", body="Cold water, bright sun.")
    _create(client, auth_headers, title="Office", body="Long meeting about the river project.")
    _create(client, auth_headers, title="Garden", body="Planted tulips.")
    assert sorted(_titles(_search(client, auth_headers, "river"))) == ["Office", "River walk"]
    assert _titles(_search(client, auth_headers, "tulips")) == ["Garden"]
    assert _titles(_search(client, auth_headers, "nothing-like-this")) == []


def test_title_matches_rank_first(client: TestClient, auth_headers: dict[str, str]) -> None:
    _create(client, auth_headers, title="Notes", body="A mention of mountains somewhere.")
    _create(client, auth_headers, title="Mountains", body="Mountains, mountains everywhere.")
    assert _titles(_search(client, auth_headers, "mountains"))[0] == "Mountains"


def test_stemming_and_prefix(client: TestClient, auth_headers: dict[str, str]) -> None:
    _create(client, auth_headers, title="Walking", body="We walked for hours.")
    assert _titles(_search(client, auth_headers, "walk")) == ["Walking"]
    assert _titles(_search(client, auth_headers, "walk wal")) == ["Walking"]  # typing "walked"
    assert _titles(_search(client, auth_headers, "hou")) == ["Walking"]


def test_all_words_must_match(client: TestClient, auth_headers: dict[str, str]) -> None:
    _create(client, auth_headers, title="One", body="red apples")
    _create(client, auth_headers, title="Two", body="red cars")
    assert _titles(_search(client, auth_headers, "red apples")) == ["One"]


@pytest.mark.parametrize(
    "q", ['"', "AND", "NEAR(a b)", "*", "a OR", "(((", "title:x", "-", "'; DROP TABLE entries;--"]
)
def test_operator_characters_are_just_text(
    client: TestClient, auth_headers: dict[str, str], q: str
) -> None:
    _create(client, auth_headers, title="Safe", body="plain words")
    response = client.get("/api/entries", params={"q": q}, headers=auth_headers)
    assert response.status_code == 200
    assert client.get("/api/entries", headers=auth_headers).json()["items"]


def test_search_is_scoped_to_the_user(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    other = client_factory()
    alice = login(client, make_user().email)
    bob = login(other, make_user().email)
    _create(client, alice, title="Secret", body="the treasure is under the oak")
    assert _titles(_search(other, bob, "treasure")) == []
    assert _titles(_search(client, alice, "treasure")) == ["Secret"]


def test_edits_and_deletes_are_reflected(client: TestClient, auth_headers: dict[str, str]) -> None:
    entry = _create(client, auth_headers, title="Draft", body="about lighthouses")
    client.patch(
        f"/api/entries/{entry['id']}", json={"body": "about harbours"}, headers=auth_headers
    )
    assert _titles(_search(client, auth_headers, "lighthouses")) == []
    assert _titles(_search(client, auth_headers, "harbours")) == ["Draft"]
    client.delete(f"/api/entries/{entry['id']}", headers=auth_headers)
    assert _titles(_search(client, auth_headers, "harbours")) == []


def test_search_pages_with_an_opaque_cursor_and_combines_with_filters(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    for i in range(7):
        _create(client, auth_headers, title=f"Sea {i}", body="waves", tags=["sea"] if i % 2 else [])
    first = _search(client, auth_headers, "waves", limit=3)
    assert len(first["items"]) == 3
    seen = _titles(first)
    cursor = first["next_cursor"]
    while cursor:
        page = _search(client, auth_headers, "waves", limit=3, cursor=cursor)
        seen += _titles(page)
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(f"Sea {i}" for i in range(7))
    tagged = _search(client, auth_headers, "waves", tag="sea")
    assert sorted(_titles(tagged)) == ["Sea 1", "Sea 3", "Sea 5"]
    bad = client.get("/api/entries", params={"q": "waves", "cursor": "nope"}, headers=auth_headers)
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_cursor"


def test_punctuation_only_query_finds_nothing(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, title="Anything", body="at all")
    assert _search(client, auth_headers, "?!") == {"items": [], "next_cursor": None}


def test_queries_keep_only_words() -> None:
    assert fts5_query('river "AND" NEAR(x') == '"river" "AND" "NEAR" "x"*'
    assert fts5_query("...") is None
    assert tsquery_terms("river & !x | y:*") == "river & x & y:*"
    assert tsquery_terms("--") is None


@pytest.mark.parametrize("flooded_word", ["apple", "banana"])
def test_ranking_does_not_depend_on_other_users_entries(
    client: TestClient,
    client_factory: Callable[..., TestClient],
    make_user: Callable[..., Any],
    flooded_word: str,
) -> None:
    # Corpus-wide statistics (bm25's IDF over the shared FTS table) would let Alice count
    # Bob's entries holding a word by watching her own order flip as he writes.
    bobs_browser = client_factory()
    alice = login(client, make_user().email)
    bob = login(bobs_browser, make_user().email)
    _create(client, alice, title="A", body="apple apple apple banana")
    _create(client, alice, title="B", body="apple banana banana banana")
    _create(client, alice, title="C", body="banana apple, and more words to make it longer")
    queries = ["apple banana", "banana apple", "apple", "banana", "ban"]
    before = {q: _titles(_search(client, alice, q)) for q in queries}
    for i in range(30):
        _create(bobs_browser, bob, title=f"Bob {i}", body=f"{flooded_word} {flooded_word} pie")
    after = {q: _titles(_search(client, alice, q)) for q in queries}
    assert after == before
