"""Search snippets: plain text with [start, end) offsets (code points) of the matched words,
from the title or the body, correct with non-ASCII text, and never forgeable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from apps.api.app.entries.snippets import WINDOW, strip_marks, window
from apps.api.tests.conftest import login
from apps.api.tests.entries.helpers import create_entry as _create


def _search(client: TestClient, headers: dict[str, str], q: str) -> list[dict[str, Any]]:
    response = client.get("/api/entries", params={"q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _marked(snippet: dict[str, Any]) -> list[str]:
    return [snippet["text"][start:end] for start, end in snippet["marks"]]


def test_snippet_marks_the_matched_words_in_a_body_with_accents(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(
        client,
        auth_headers,
        title="Été à Genève",
        body="Déjà vu: le café près du lac. Naïve rivière, «rivers» everywhere; the river ran.",
    )
    (item,) = _search(client, auth_headers, "river")
    snippet = item["snippet"]
    assert set(snippet) == {"text", "marks"}
    assert "<" not in snippet["text"]
    assert _marked(snippet) == ["rivers", "river"]
    assert snippet["text"].startswith("Déjà vu")


def test_snippet_comes_from_the_title_when_only_the_title_matches(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, title="Über Straße und Mountains", body="nothing here")
    (item,) = _search(client, auth_headers, "mountains")
    assert item["snippet"]["text"] == "Über Straße und Mountains"
    assert _marked(item["snippet"]) == ["Mountains"]
    assert item["snippet"]["marks"] == [[16, 25]]


def test_snippet_marks_stems_and_the_typed_prefix(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    _create(client, auth_headers, title="Walks", body="Émile walked home; walking is good, wal.")
    (item,) = _search(client, auth_headers, "walk")
    assert _marked(item["snippet"]) == ["walked", "walking"]


def test_a_long_body_gives_a_window_around_the_first_match(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    body = "ñandú " * 100 + "the treasure lies here " + "ñandú " * 100
    _create(client, auth_headers, title="Long", body=body)
    (item,) = _search(client, auth_headers, "treasure")
    snippet = item["snippet"]
    assert len(snippet["text"]) <= WINDOW + 2
    assert snippet["text"].startswith("…")
    assert snippet["text"].endswith("…")
    assert _marked(snippet) == ["treasure"]


def test_marker_characters_in_the_text_cannot_forge_a_mark(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    forged = "".join(chr(c) for c in range(0xFDD0, 0xFDF0))
    _create(client, auth_headers, title="t", body=f"\ufdd0fake\ufdd1 {forged} a real match \ue000x")
    (item,) = _search(client, auth_headers, "match")
    snippet = item["snippet"]
    assert _marked(snippet) == ["match"]
    assert "\ufdd0fake\ufdd1" in snippet["text"]  # the user's text, untouched


def test_listing_without_q_has_no_snippet(client: TestClient, auth_headers: dict[str, str]) -> None:
    _create(client, auth_headers, title="x", body="y")
    items = client.get("/api/entries", headers=auth_headers).json()["items"]
    assert items[0]["snippet"] is None


def test_snippets_and_ranking_ignore_other_users_entries(
    client: TestClient, client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    other = client_factory()
    alice = login(client, make_user().email)
    bob = login(other, make_user().email)
    _create(client, alice, title="Mine", body="one lantern")
    for n in range(5):
        _create(other, bob, title=f"Bob {n}", body="lantern lantern lantern")
    (item,) = _search(client, alice, "lantern")
    assert item["title"] == "Mine"
    assert _marked(item["snippet"]) == ["lantern"]


def test_strip_marks_refuses_a_text_that_does_not_agree() -> None:
    assert strip_marks("a <b> c", "a b c", "<", ">") == [(2, 3)]
    assert strip_marks("a <b> c", "a B c", "<", ">") == []


def test_window_keeps_offsets_on_the_words() -> None:
    text = "x" * 10 + " " + "word " * 80 + "goal " + "word " * 80
    start = text.index("goal")
    snippet = window(text, [(start, start + 4)])
    assert [snippet["text"][a:b] for a, b in snippet["marks"]] == ["goal"]
    assert window("short\ntext", [(6, 10)]) == {"text": "short text", "marks": [[6, 10]]}
