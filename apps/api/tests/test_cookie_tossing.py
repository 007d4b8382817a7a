"""Cookie tossing (docs/security.md, "a sibling subdomain"): a page on a sibling subdomain can
set ``refresh_token`` / ``csrftoken`` cookies for the parent domain, which the browser sends
to Journal next to Journal's own.

A tossed ``csrftoken`` cannot forge a request (it must be signed for the victim's session),
and a repeated ``refresh_token`` is refused (SPEC §3: 400), so a sibling cannot swap the
victim into another session by "last one wins".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from apps.api.app.auth.transport import REFRESH_COOKIE
from apps.api.tests.conftest import login, post_login, put_cookie


def test_a_tossed_csrf_token_cannot_forge_a_write(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    victim = client_factory(auth_cookie_refresh=True)
    headers = login(victim, make_user().email)
    # The sibling's own, validly signed token (for its own session), tossed into the jar.
    sibling = client_factory(auth_cookie_refresh=True)
    tossed = login(sibling, make_user().email)["X-CSRF-Token"]
    forged = {"Authorization": headers["Authorization"], "X-CSRF-Token": tossed}
    # Next to the victim's own csrftoken: two of a kind, refused before anything reads them.
    both = victim.post(
        "/api/entries",
        headers={**forged, "Cookie": f"csrftoken={headers['X-CSRF-Token']}; csrftoken={tossed}"},
        json={"title": "forged"},
    )
    assert both.status_code == 400
    # In its place (the victim had none yet): its signature is for another session.
    put_cookie(victim, "csrftoken", tossed)
    answer = victim.post("/api/entries", headers=forged, json={"title": "forged"})
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"


def test_a_request_with_two_refresh_cookies_is_refused(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    client = client_factory(auth_cookie_refresh=True)
    mine = post_login(client, make_user().email, expect=200).cookies[REFRESH_COOKIE]
    theirs = post_login(client, make_user().email, expect=200).cookies[REFRESH_COOKIE]
    client.cookies.clear()
    answer = client.post(
        "/api/auth/refresh",
        headers={"Cookie": f"{REFRESH_COOKIE}={mine}; {REFRESH_COOKIE}={theirs}"},
    )
    assert answer.status_code == 400
