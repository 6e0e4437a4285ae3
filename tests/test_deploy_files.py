"""Dockerfile, compose.yaml and .dockerignore read as files (there is no Docker daemon here): the services,
the commands the Procfile runs, every variable the app knows, and no secret written in them."""

from __future__ import annotations

import json
import re
import shlex

import pytest
import yaml  # PyYAML, requirements-dev.txt

from roi_runtime.config import ENV_NAMES, REPO_ROOT

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|API_KEY|PRIVATE", re.I)
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?-][^}]*)?\}")
POSTGRES_IMAGE_ENV = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}  # the postgres image's own settings


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def procfile() -> dict[str, str]:
    lines = (REPO_ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) per instruction, continuation lines joined, comments dropped."""
    text = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#")))
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip()) for ln in text.splitlines() if ln.strip()]


def known_names() -> set[str]:
    """Every variable the app documents: AppConfig's ENV_NAMES and the names .env.example sets."""
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    return set(ENV_NAMES.values()) | set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, flags=re.M))


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_the_services_are_web_clock_db_and_the_https_front(compose):
    services = compose["services"]
    assert set(services) == {"web", "clock", "db", "caddy"}
    db = services["db"]
    assert db["image"] == "postgres:16"
    data = [v for v in db["volumes"] if v.endswith(":/var/lib/postgresql/data")]
    assert data and data[0].split(":")[0] in compose["volumes"], "PostgreSQL keeps its data in a named volume"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    for name in ("web", "clock"):
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
        assert services[name]["build"] == "." and services[name]["env_file"] == ".env"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "ports" not in services["web"] and "ports" not in services["db"], "only the https front is published"
    assert sorted(p.split(":")[-1].split("/")[0] for p in services["caddy"]["ports"]) == ["443", "443", "80"]


def test_database_url_points_at_the_db_service(compose):
    db_env = environment(compose["services"]["db"])
    for name in ("web", "clock"):
        url = environment(compose["services"][name])["DATABASE_URL"]
        m = re.fullmatch(r"postgresql://(\w+):(\$\{POSTGRES_PASSWORD[^}]*\})@db:5432/(\w+)", url)
        assert m, url
        assert m.group(1) == db_env["POSTGRES_USER"] and m.group(3) == db_env["POSTGRES_DB"]
        assert m.group(2) == db_env["POSTGRES_PASSWORD"], "the same password, from .env, on both sides"


def test_the_commands_are_the_procfiles(compose, procfile, dockerfile):
    cmd = [args for op, args in dockerfile if op == "CMD"]
    assert len(cmd) == 1
    words = json.loads(cmd[0])  # exec form: gunicorn is PID 1's child of sh only until exec
    assert words[:2] == ["sh", "-c"] and words[2] == "exec " + procfile["web"]
    assert "command" not in compose["services"]["web"], "web runs the image's command: the Procfile's web"
    clock = compose["services"]["clock"]["command"]
    assert (shlex.join(clock) if isinstance(clock, list) else clock) == procfile["clock"]
    port = dict(re.findall(r"(\w+)=(\S+)", " ".join(a for op, a in dockerfile if op == "ENV")))["PORT"]
    caddy = compose["services"]["caddy"]["command"]
    assert caddy[caddy.index("--to") + 1] == f"web:{port}"


def test_the_image_is_python_311_slim_with_the_pinned_requirements_as_a_user(dockerfile):
    ops = [op for op, _ in dockerfile]
    assert dockerfile[0] == ("FROM", "python:3.11-slim")
    installs = [args for op, args in dockerfile if op == "RUN" and "pip install" in args]
    assert len(installs) == 1 and "-r requirements.txt" in installs[0]
    assert ops.index("RUN") > next(i for i, (op, a) in enumerate(dockerfile) if op == "COPY" and "requirements.txt" in a)
    users = [args for op, args in dockerfile if op == "USER"]
    assert users and users[-1] not in ("root", "0") and ops.index("USER") < ops.index("CMD")
    requirements = (REPO_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    loose = [r for r in requirements if r.strip() and not r.startswith("#") and "==" not in r]
    assert not loose, f"every requirement is pinned: {loose}"


def test_every_variable_is_one_the_app_knows(compose):
    known = known_names()
    text = (REPO_ROOT / "compose.yaml").read_text(encoding="utf-8")
    referenced = set(REFERENCE.findall(text))
    assert referenced >= {"POSTGRES_PASSWORD", "ROI_DOMAIN", "ROI_WEB_SECRET"}
    assert referenced <= known, f"not in ENV_NAMES or .env.example: {referenced - known}"
    for name in ("web", "clock"):
        unknown = set(environment(compose["services"][name])) - known
        assert not unknown, f"{name} sets variables the app does not read: {unknown}"
    assert set(environment(compose["services"]["db"])) <= POSTGRES_IMAGE_ENV


def test_no_secret_is_written_in_the_files(compose):
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                assert REFERENCE.fullmatch(value), f"{name}.{key} must come from .env, not be written here"
            m = re.search(r"://[^/:@]+:([^@]+)@", value)
            assert m is None or REFERENCE.fullmatch(m.group(1)), f"{name}.{key}: a password in a URL"
    # the Google key reaches the app as a file secret, never as text in the environment
    for name in ("web", "clock"):
        env = environment(compose["services"][name])
        assert env["GOOGLE_SERVICE_ACCOUNT_JSON"] == "/run/secrets/google_service_account"
        assert compose["services"][name]["secrets"] == ["google_service_account"]
    assert compose["secrets"]["google_service_account"] == {"file": "./secrets/google-service-account.json"}
    for path in ("compose.yaml", "Dockerfile"):
        text = (REPO_ROOT / path).read_text(encoding="utf-8")
        for pattern in (r"xox[bpa]-", r"xapp-", r"\broi_[A-Za-z0-9_-]{20,}", r"BEGIN [A-Z ]*PRIVATE KEY",
                        r"\bsk-[A-Za-z0-9]{16,}", r"AIza[0-9A-Za-z_-]{20,}"):
            assert not re.search(pattern, text), f"{path} holds something like a secret ({pattern})"


def test_secrets_stay_out_of_the_image_and_the_repository():
    ignored = {ln.strip() for ln in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    assert {".env", "secrets", ".git", ".venv", "var"} <= ignored
    gitignore = (REPO_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in gitignore and any(ln.strip("/") == "secrets" for ln in gitignore)
