"""The Grafana dashboard and Prometheus alerts only name metrics the app exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

OPS = Path(__file__).resolve().parents[4] / "ops"

# PromQL words that are not metric names.
_PROMQL = {
    "sum",
    "rate",
    "increase",
    "by",
    "without",
    "histogram_quantile",
    "clamp_min",
    "and",
    "or",
    "unless",
    "avg",
    "max",
    "min",
    "count",
    "on",
    "ignoring",
    "group_left",
    "group_right",
}


def metric_names(expr: str) -> set[str]:
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without)\s*\([^)]*\)", "", expr)  # grouping labels
    expr = re.sub(r'"[^"]*"', "", expr)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr))
    return {w for w in words if w not in _PROMQL and not w.startswith("__")}


def exported(client: TestClient) -> set[str]:
    client.get("/api/health")  # labelled HTTP series appear with the first request
    text = client.get("/metrics").text
    return {s.name for f in text_string_to_metric_families(text) for s in f.samples}


def _panel_exprs(panels: list[dict[str, Any]]) -> list[str]:
    exprs = []
    for panel in panels:
        exprs += [t["expr"] for t in panel.get("targets", [])]
        exprs += _panel_exprs(panel.get("panels", []))
    return exprs


def test_dashboard_is_importable_and_queries_exported_metrics(client: TestClient) -> None:
    dashboard = json.loads((OPS / "grafana" / "journal-security.json").read_text())
    assert dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    exprs = _panel_exprs(dashboard["panels"])
    names = set().union(*(metric_names(e) for e in exprs))
    assert {
        "auth_login_success_total",
        "auth_login_fail_total",
        "auth_refresh_rotations_total",
        "auth_revocations_total",
    } <= names
    assert names <= exported(client), names - exported(client)
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            assert target["datasource"]["uid"] == "${datasource}"
    titles = " ".join(p["title"].lower() for p in dashboard["panels"])
    assert "reuse" in titles
    assert "mail_send_failures_total" in names  # mail the outbox gave up on


def test_alert_rules_parse_and_name_exported_metrics(client: TestClient) -> None:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert 2 <= len(alerts) <= 8
    available = exported(client)
    for alert in alerts:
        assert alert["alert"]
        assert alert["annotations"]["summary"]
        names = metric_names(alert["expr"])
        assert names, alert["alert"]
        assert names <= available, (alert["alert"], names - available)
    assert any('reason="refresh_reused"' in a["expr"] for a in alerts)
    assert any('reason="mfa_invalid"' in a["expr"] for a in alerts)
    assert any("mail_send_failures_total" in a["expr"] for a in alerts)


def test_dashboard_security_row_shows_passkeys_mfa_failures_and_enrolments() -> None:
    dashboard = json.loads((OPS / "grafana" / "journal-security.json").read_text())
    exprs = " ".join(_panel_exprs(dashboard["panels"]))
    assert 'auth_login_success_total{provider="passkey"}' in exprs
    assert 'auth_login_fail_total{reason="mfa_invalid"}' in exprs
    assert "auth_mfa_enrolments_total" in exprs
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_metric_name_extraction() -> None:
    expr = (
        'sum by (reason) (rate(auth_login_fail_total{reason="x"}[5m]))'
        " / clamp_min(sum(increase(a_total[1h])), 1)"
    )
    assert metric_names(expr) == {"auth_login_fail_total", "a_total"}
