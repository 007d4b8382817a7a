"""Two tabs refreshing the same token at once: one rotation, both get the same child."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from apps.api.app.auth.models import UserSession
from apps.api.tests.conftest import PASSWORD


def test_concurrent_refreshes_do_not_fork_or_revoke(
    client_factory: Callable[..., TestClient], make_user: Callable[..., Any], db: Any
) -> None:
    client = client_factory(auth_cookie_refresh=False)
    token = client.post(
        "/api/auth/login", json={"email": make_user().email, "password": PASSWORD}
    ).json()["refresh_token"]

    def refresh(_: int) -> Any:
        return client.post("/api/auth/refresh", json={"refresh_token": token})

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(refresh, range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    children = {a.json()["refresh_token"] for a in answers}
    assert len(children) == 1
    assert db.scalar(select(UserSession.revoked_at)) is None
