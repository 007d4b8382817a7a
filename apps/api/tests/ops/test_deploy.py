"""deploy/ and the cluster's nginx config, checked offline (there is no Docker engine here):
nginx parses both configs (`nginx -t`), deploy/nginx.conf is what the script generates, and
deploy/compose.yaml agrees with the Dockerfile, nginx.conf and the API's settings."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from apps.api.app.config import Settings
from apps.api.tests.conftest import REPO

DEPLOY = REPO / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (scripts/ensure-nginx.sh installs it)"
)


def _cluster_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cluster_script", REPO / "scripts/cluster.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


cluster = _cluster_script()


def _nginx_test(config: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "nginx.conf"
    path.write_text(config)
    assert NGINX is not None
    return subprocess.run(
        [NGINX, "-t", "-p", f"{tmp_path}/", "-e", str(tmp_path / "error.log"), "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def _dockerfile_stages() -> dict[str, str]:
    """Stage name -> its instructions."""
    text = (REPO / "Dockerfile").read_text()
    parts = re.split(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", text, flags=re.MULTILINE | re.IGNORECASE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_deploy_nginx_conf_is_the_generated_one() -> None:
    expected = cluster.nginx_config(cluster.DEPLOY_SITE)
    assert (DEPLOY / "nginx.conf").read_text() == expected, (
        "deploy/nginx.conf is stale: python scripts/cluster.py deploy-nginx-config "
        "> deploy/nginx.conf"
    )


@needs_nginx
def test_nginx_accepts_the_generated_cluster_config(tmp_path: Path) -> None:
    site = cluster.local_site(
        cluster.Cluster(
            root=tmp_path,
            port=18080,
            replica_ports=(18101, 18102),
            workers=2,
            pg_server="postgresql://postgres@127.0.0.1:5432/postgres",
            database="journal_cluster",
            redis_url="redis://127.0.0.1:6379/0",
            redis_prefix="journal-cluster",
            timeout=1,
        ),
        dist=tmp_path / "dist",
    )
    (tmp_path / "run").mkdir()
    (tmp_path / "logs").mkdir()
    (tmp_path / "tmp").mkdir()
    done = _nginx_test(cluster.nginx_config(site), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


@needs_nginx
def test_nginx_accepts_the_deploy_config(tmp_path: Path) -> None:
    """As the container would load it, except what only exists in there: the replicas'
    host names (nginx resolves them at load) and the container's /tmp."""
    config = (DEPLOY / "nginx.conf").read_text()
    for upstream in cluster.DEPLOY_SITE.upstreams:
        config = config.replace(f"server {upstream} ", "server 127.0.0.1:8000 ")
    config = config.replace(" /tmp/", f" {tmp_path}/").replace("/dev/stdout", "off")
    done = _nginx_test(config, tmp_path)
    assert done.returncode == 0, done.stderr


def test_compose_names_the_cluster_topology() -> None:
    services = _compose()["services"]
    assert set(services) == {"api-1", "api-2", "nginx", "postgres", "redis"}
    upstreams = {u.split(":")[0] for u in cluster.DEPLOY_SITE.upstreams}
    assert upstreams == {"api-1", "api-2"}
    for name in ("api-1", "api-2"):
        assert services[name]["expose"] == ["8000"]
    assert all(u.endswith(":8000") for u in cluster.DEPLOY_SITE.upstreams)
    assert services["nginx"]["ports"] == [f"8080:{cluster.DEPLOY_SITE.listen}"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_compose_builds_stages_the_dockerfile_has() -> None:
    services = _compose()["services"]
    stages = _dockerfile_stages()
    assert list(stages)[-1] == "api", "a plain `docker build .` must give the API image"
    for name in ("api-1", "api-2", "nginx"):
        build = services[name]["build"]
        assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == REPO / "Dockerfile"
        assert build["target"] in stages
    assert services["nginx"]["build"]["target"] == "edge"
    assert "deploy/nginx.conf" in stages["edge"]
    # The API runs as a non-root user, and listens where nginx and compose expect it.
    user = re.search(r"^USER\s+(\S+)", stages["api"], flags=re.MULTILINE)
    assert user is not None
    assert user.group(1) not in {"root", "0"}
    assert '"--port", "8000"' in stages["api"]
    # Every file the Dockerfile copies from the build context exists.
    for source in re.findall(r"^COPY\s+(?!--from)(.+)\s+\S+$", "\n".join(stages.values()), re.M):
        for path in source.split():
            assert (REPO / path).exists(), path


def _substitute(value: str) -> str:
    """Compose's ${VAR:-default} and ${VAR:?error}, with test values for required ones."""
    value = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)
    return re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"test-{m.group(1).lower()}-" + "x" * 32, value)


def test_compose_api_settings_are_valid_and_trust_only_nginx() -> None:
    compose = _compose()
    services = compose["services"]
    env = {k: _substitute(str(v)) for k, v in services["api-1"]["environment"].items()}
    assert services["api-2"]["environment"] == services["api-1"]["environment"]
    known = {str(f.validation_alias.choices[0]) for f in Settings.model_fields.values()}  # type: ignore[union-attr]
    assert set(env) <= known, f"unknown settings: {set(env) - known}"
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    assert settings.is_production
    assert "@postgres:5432/" in settings.database_url
    assert settings.redis_url == "redis://redis:6379/0"
    nginx_ip = services["nginx"]["networks"]["journal"]["ipv4_address"]
    assert settings.trusted_proxies == [f"{nginx_ip}/32"]
    subnet = compose["networks"]["journal"]["ipam"]["config"][0]["subnet"]
    import ipaddress

    assert ipaddress.ip_address(nginx_ip) in ipaddress.ip_network(subnet)
    assert settings.metrics_token is not None, "nginx exposes /metrics: it needs the token"


def test_prometheus_example_scrapes_each_cluster_replica_directly() -> None:
    config = yaml.safe_load((REPO / "ops/prometheus/prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    targets = [t for group in job["static_configs"] for t in group["targets"]]
    assert targets == ["127.0.0.1:8101", "127.0.0.1:8102"]  # make cluster's replicas, not nginx
    for rules in config["rule_files"]:
        assert (REPO / "ops/prometheus" / rules).is_file()
