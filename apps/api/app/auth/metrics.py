"""The auth counters (the seed's four), counted by the use cases in ``signin``/``service``
after their transaction commits. The /metrics exporter lives in ``apps.api.app.metrics``."""

from __future__ import annotations

from prometheus_client import Counter

from apps.api.app.auth.reasons import LoginFailReason, MfaMethod, Provider, RevokeReason

LOGIN_SUCCESS = Counter("auth_login_success_total", "Successful sign-ins", ["provider"])
LOGIN_FAIL = Counter("auth_login_fail_total", "Failed sign-ins by reason", ["reason"])
REFRESH_ROTATIONS = Counter(
    "auth_refresh_rotations_total", "Refresh tokens rotated (grace answers excluded)"
)
REVOCATIONS = Counter("auth_revocations_total", "Sessions revoked, by reason", ["reason"])
MFA_ENROLMENTS = Counter(
    "auth_mfa_enrolments_total", "Second factors turned on, by method", ["method"]
)

# Pre-create the label sets dashboards plot, so they read 0 instead of "no data".
for _provider in Provider:
    LOGIN_SUCCESS.labels(provider=_provider)
for _fail in LoginFailReason:
    LOGIN_FAIL.labels(reason=_fail)
for _revoke in RevokeReason:
    REVOCATIONS.labels(reason=_revoke)
for _method in MfaMethod:
    MFA_ENROLMENTS.labels(method=_method)


def login_succeeded(provider: Provider) -> None:
    LOGIN_SUCCESS.labels(provider=provider).inc()


def login_failed(reason: LoginFailReason) -> None:
    LOGIN_FAIL.labels(reason=reason).inc()


def refreshed() -> None:
    REFRESH_ROTATIONS.inc()


def revoked(reason: RevokeReason, count: int = 1) -> None:
    if count:
        REVOCATIONS.labels(reason=reason).inc(count)


def mfa_enrolled(method: MfaMethod) -> None:
    MFA_ENROLMENTS.labels(method=method).inc()
