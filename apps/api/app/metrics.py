"""The Prometheus metrics, defined in one place (multiprocess-safe via prometheus_client)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LOGIN_SUCCESS = Counter("auth_login_success_total", "Successful sign-ins", ["provider"])
LOGIN_FAIL = Counter("auth_login_fail_total", "Failed sign-ins by reason", ["reason"])
REFRESH_ROTATIONS = Counter(
    "auth_refresh_rotations_total", "Refresh tokens rotated (grace answers excluded)"
)
REVOCATIONS = Counter("auth_revocations_total", "Sessions revoked, by reason", ["reason"])

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# Pre-create the label sets dashboards plot, so they read 0 instead of "no data".
LOGIN_SUCCESS.labels(provider="password")
for _reason in ("invalid_credentials", "email_not_verified", "rate_limited", "user_disabled"):
    LOGIN_FAIL.labels(reason=_reason)
for _reason in (
    "logout",
    "session_revoked",
    "password_reset",
    "password_changed",
    "refresh_reused",
):
    REVOCATIONS.labels(reason=_reason)
