#!/usr/bin/env python3
"""Staging smoke test (the seed's §4) against any running Journal deployment.

    uv run python scripts/smoke.py https://journal.staging.example --smtp-sink-port 2525

Steps: register → verify (link read from mail) → login (cookie attributes, access-only JSON)
→ forced 401 → /refresh (access only, new cookie) → retry succeeds → logout without
X-CSRF-Token is 403 → with the /csrf token 204 and cookies cleared → /metrics counters moved.
Prints PASS/FAIL per step and exits non-zero on any failure.

The verification link is read from mail. Either the script runs an SMTP sink itself
(--smtp-sink-port N; start the API with JOURNAL_SMTP_HOST=<this host> JOURNAL_SMTP_PORT=N),
or it reads an mbox file the deployment's mail ends up in (--mailbox PATH).
Cookies are handled by hand, so Secure cookies are checked even over plain http.
"""

from __future__ import annotations

import argparse
import mailbox
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import httpx
from prometheus_client.parser import text_string_to_metric_families

PASSWORD = "smoke-test " + secrets.token_hex(6)


class StepFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


# ---- mail sources -----------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on the given port, keeping every message it receives."""

    def __init__(self, host: str, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.controller = Controller(self, hostname=host, port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def bodies_to(self, address: str) -> list[str]:
        return [_text(m) for m in self.messages if address in str(m["To"]).lower()]


class MboxReader:
    def __init__(self, path: str) -> None:
        self.path = path

    def bodies_to(self, address: str) -> list[str]:
        box = mailbox.mbox(
            self.path, factory=lambda f: message_from_bytes(f.read(), policy=policy.default)
        )
        return [_text(m) for m in box if address in str(m["To"]).lower()]  # type: ignore[arg-type]


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return str(part.get_content()) if part else ""


def wait_for_link(source: Any, address: str, path: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in source.bodies_to(address):
            match = re.search(rf"https?://\S+{re.escape(path)}\?token=([\w\-]+)", body)
            if match:
                return match.group(1)
        time.sleep(0.2)
    raise StepFailed(f"no mail with a {path} link reached {address} within {timeout:.0f}s")


# ---- HTTP with a hand-held cookie jar ---------------------------------------------------------


@dataclass
class Browser:
    """Sends cookies like a browser on a secure context would, including Secure ones."""

    client: httpx.Client
    origin: str
    cookies: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (value, path)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        jar = [f"{n}={v}" for n, (v, p) in self.cookies.items() if path.startswith(p)]
        if jar:
            headers["Cookie"] = "; ".join(jar)
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            headers.setdefault("Origin", self.origin)
        response = self.client.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            parsed = parse_set_cookie(header)
            if parsed["max-age"] == "0":
                self.cookies.pop(parsed["name"], None)
            else:
                self.cookies[parsed["name"]] = (parsed["value"], parsed.get("path") or "/")
        return response


def parse_set_cookie(header: str) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    jar.load(header)
    ((name, morsel),) = jar.items()
    attributes = {k.lower(): str(v) for k, v in morsel.items() if v != ""}
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    for flag in ("httponly", "secure"):
        attributes[flag] = "yes" if flag in flags else ""
    return {"name": name, "value": morsel.value, **attributes}


def cookie_headers(response: httpx.Response, name: str) -> dict[str, str]:
    for header in response.headers.get_list("set-cookie"):
        parsed = parse_set_cookie(header)
        if parsed["name"] == name:
            return parsed
    raise StepFailed(f"no Set-Cookie: {name} in the answer")


def metric_values(client: httpx.Client, url: str, token: str | None) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url, headers=headers)
    check(response.status_code == 200, f"GET {url} answered {response.status_code}")
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            key = sample.name + "".join(f"{{{k}={v}}}" for k, v in sorted(sample.labels.items()))
            values[key] = float(sample.value)
    return values


# ---- the smoke --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    base = args.base_url.rstrip("/")
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    expect_secure = (
        args.expect_secure if args.expect_secure is not None else parts.scheme == "https"
    )
    email = args.email or f"smoke+{secrets.token_hex(4)}@example.com"
    metrics_url = args.metrics_url or f"{base}/metrics"
    source: Any = None
    if args.smtp_sink_port:
        source = SmtpSink(args.smtp_sink_host, args.smtp_sink_port).start()
    elif args.mailbox:
        source = MboxReader(args.mailbox)

    results: list[tuple[str, bool, str]] = []
    state: dict[str, Any] = {}
    client = httpx.Client(base_url=base, timeout=20.0, follow_redirects=False)
    browser = Browser(client, origin)

    def step(name: str, fn: Callable[[], str]) -> bool:
        if results and not results[-1][1]:
            results.append((name, False, "skipped: an earlier step failed"))
            print(f"SKIP  {name}", flush=True)
            return False
        try:
            detail = fn() or ""
            results.append((name, True, detail))
            print(f"PASS  {name}{f' — {detail}' if detail else ''}", flush=True)
            return True
        except (StepFailed, httpx.HTTPError) as exc:
            results.append((name, False, str(exc)))
            print(f"FAIL  {name} — {exc}", flush=True)
            return False

    def metrics_before() -> str:
        state["metrics"] = metric_values(client, metrics_url, args.metrics_token)
        return f"{len(state['metrics'])} samples"

    def register() -> str:
        r = browser.request(
            "POST", "/api/auth/register", json={"email": email, "password": PASSWORD}
        )
        check(r.status_code == 202, f"register answered {r.status_code}: {r.text}")
        return email

    def verify() -> str:
        check(source is not None, "no mail source: pass --smtp-sink-port or --mailbox")
        token = wait_for_link(source, email, "/verify")
        r = browser.request("POST", "/api/auth/verify", json={"token": token})
        check(r.status_code == 200, f"verify answered {r.status_code}: {r.text}")
        return "link from mail accepted"

    def login() -> str:
        r = browser.request("POST", "/api/auth/login", json={"email": email, "password": PASSWORD})
        check(r.status_code == 200, f"login answered {r.status_code}: {r.text}")
        body = r.json()
        check(
            set(body) == {"access_token", "token_type", "expires_in"},
            f"login JSON has {sorted(body)}",
        )
        state["login"] = r
        state["access"] = body["access_token"]
        return "JSON has access_token only"

    def cookie_attributes() -> str:
        cookie = cookie_headers(state["login"], "refresh_token")
        check(cookie["httponly"] == "yes", "refresh_token is not HttpOnly")
        check(cookie.get("samesite", "").lower() == "lax", f"SameSite={cookie.get('samesite')}")
        check(cookie.get("path") == "/api/auth", f"Path={cookie.get('path')}")
        if expect_secure:
            check(cookie["secure"] == "yes", "refresh_token is not Secure")
        csrf = cookie_headers(state["login"], "csrftoken")
        check(csrf["httponly"] != "yes", "csrftoken must be readable by the page")
        state["refresh_cookie"] = cookie["value"]
        return "HttpOnly; SameSite=Lax; Path=/api/auth" + ("; Secure" if expect_secure else "")

    def forced_401() -> str:
        r = browser.request(
            "GET", "/api/auth/me", headers={"Authorization": "Bearer expired.access.token"}
        )
        check(r.status_code == 401, f"a dead access token got {r.status_code}, not 401")
        return f"401 {r.json().get('code')}"

    def refresh() -> str:
        r = browser.request("POST", "/api/auth/refresh")
        check(r.status_code == 200, f"refresh answered {r.status_code}: {r.text}")
        body = r.json()
        check(
            set(body) == {"access_token", "token_type", "expires_in"},
            f"refresh JSON has {sorted(body)}",
        )
        cookie = cookie_headers(r, "refresh_token")
        check(cookie["value"] != state["refresh_cookie"], "refresh did not set a new cookie")
        check(
            cookie.get("path") == "/api/auth" and cookie["httponly"] == "yes",
            "new cookie lost attributes",
        )
        state["access"] = body["access_token"]
        return "access only, new refresh cookie"

    def retry() -> str:
        r = browser.request(
            "GET", "/api/auth/me", headers={"Authorization": f"Bearer {state['access']}"}
        )
        check(r.status_code == 200, f"retried request answered {r.status_code}")
        check(r.json().get("email") == email, "retried request returned another user")
        return "original request succeeds with the new access token"

    def logout_without_csrf() -> str:
        r = browser.request("POST", "/api/auth/logout")
        check(r.status_code == 403, f"logout without X-CSRF-Token answered {r.status_code}")
        check(r.json().get("code") == "csrf_failed", f"code {r.json().get('code')}")
        return "403 csrf_failed"

    def logout_with_csrf() -> str:
        token = browser.request("GET", "/api/auth/csrf").json()["csrf_token"]
        r = browser.request("POST", "/api/auth/logout", headers={"X-CSRF-Token": token})
        check(r.status_code == 204, f"logout with X-CSRF-Token answered {r.status_code}")
        cleared = cookie_headers(r, "refresh_token")
        check(cleared.get("max-age") == "0", "refresh_token cookie was not cleared")
        check("refresh_token" not in browser.cookies, "refresh_token still held")
        after = browser.request(
            "GET", "/api/auth/me", headers={"Authorization": f"Bearer {state['access']}"}
        )
        check(after.status_code == 401, "the session still works after logout")
        return "204, cookies cleared, session revoked"

    def counters() -> str:
        before = state["metrics"]
        after = metric_values(client, metrics_url, args.metrics_token)
        wanted = {
            "auth_login_success_total{provider=password}": 1,
            "auth_refresh_rotations_total": 1,
            "auth_revocations_total{reason=logout}": 1,
        }
        moved = []
        for key, minimum in wanted.items():
            delta = after.get(key, 0.0) - before.get(key, 0.0)
            check(delta >= minimum, f"{key} moved by {delta:g}, expected at least {minimum}")
            moved.append(f"{key.split('{')[0]} +{delta:g}")
        return ", ".join(moved)

    print(f"Journal staging smoke against {base} (user {email})", flush=True)
    try:
        step("metrics reachable", metrics_before)
        step("register", register)
        step("verify by mailed link", verify)
        step("login returns access token only", login)
        step("refresh cookie attributes", cookie_attributes)
        step("expired access token is 401", forced_401)
        step("refresh reads the cookie, rotates, access only", refresh)
        step("original request retried once succeeds", retry)
        step("logout without X-CSRF-Token is 403", logout_without_csrf)
        step("logout with /csrf token is 204, cookie cleared", logout_with_csrf)
        step("metrics counters incremented", counters)
    finally:
        client.close()
        if isinstance(source, SmtpSink):
            source.stop()
    passed = sum(1 for _, ok, _ in results if ok)
    failed = len(results) - passed
    print(f"smoke: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_url", help="e.g. https://journal.staging.example")
    parser.add_argument("--smtp-sink-port", type=int, help="run an SMTP sink on this port")
    parser.add_argument("--smtp-sink-host", default="127.0.0.1", help="address the sink binds")
    parser.add_argument("--mailbox", help="read mail from this mbox file instead")
    parser.add_argument(
        "--email", help="address to register (default: a random smoke+…@example.com)"
    )
    parser.add_argument("--metrics-url", help="default: BASE_URL/metrics")
    parser.add_argument("--metrics-token", help="bearer token for /metrics (JOURNAL_METRICS_TOKEN)")
    secure = parser.add_mutually_exclusive_group()
    secure.add_argument(
        "--expect-secure",
        dest="expect_secure",
        action="store_true",
        default=None,
        help="require Secure cookies (default: when BASE_URL is https)",
    )
    secure.add_argument("--no-expect-secure", dest="expect_secure", action="store_false")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
