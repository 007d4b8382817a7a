"""Cookie tossing (docs/security.md, "a sibling subdomain"): a page on a sibling subdomain can
set ``refresh_token`` / ``csrftoken`` cookies for the parent domain, which the browser sends
to Journal next to Journal's own.

What holds today: a tossed ``csrftoken`` cannot forge a request (it must be signed for the
victim's session). What does not: a repeated ``refresh_token`` is not refused; the last one
wins, so a sibling can swap the victim into another session. SPEC §3 asks for 400; the
strict xfail below turns into a failure the day that is implemented, so its mark goes then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apps.api.app.auth.transport import REFRESH_COOKIE
from apps.api.tests.conftest import login, post_login


def test_a_tossed_csrf_token_cannot_forge_a_write(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    victim = client_factory(auth_cookie_refresh=True)
    headers = login(victim, make_user().email)
    # The sibling's own, validly signed token (for its own session), tossed into the jar.
    sibling = client_factory(auth_cookie_refresh=True)
    tossed = login(sibling, make_user().email)["X-CSRF-Token"]
    victim.cookies.set("csrftoken", tossed, path="/")
    answer = victim.post(
        "/api/entries",
        headers={"Authorization": headers["Authorization"], "X-CSRF-Token": tossed},
        json={"title": "forged"},
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"


@pytest.mark.xfail(
    strict=True, reason="SPEC §3: two refresh_token cookies must be refused (400); not yet"
)
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
