"""The container setup agrees with the app: docker-compose.yml, the Dockerfile, the entrypoint.

No Docker engine is needed: the files are parsed and checked against ``Settings``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

from app.config import REPO_ROOT, Settings

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db_service(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["db"]


@pytest.fixture(scope="module")
def app_service(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["app"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a dict, whichever of compose's two spellings it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        return {name: value for name, value in pairs}
    return {name: "" if value is None else str(value) for name, value in env.items()}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with backslash continuations joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = (line.strip() for line in text.splitlines())
    pairs = (line.split(None, 1) for line in lines if line and not line.startswith("#"))
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "") for parts in pairs]


def entrypoint_script() -> Path:
    """The repository file the image's ENTRYPOINT runs (found through WORKDIR and COPY)."""
    instructions = dockerfile_instructions()
    entrypoints = [args for name, args in instructions if name == "ENTRYPOINT"]
    assert entrypoints, "the Dockerfile has no ENTRYPOINT"
    command = json.loads(entrypoints[-1])  # exec form, so signals reach the server
    script = Path(command[-1] if command[0] in {"sh", "/bin/sh"} else command[0])
    workdir = Path([args for name, args in instructions if name == "WORKDIR"][-1])
    if script.is_absolute():
        script = script.relative_to(workdir)
    copied = [args.split()[:-1] for name, args in instructions if name == "COPY"]
    assert any(str(script) in sources for sources in copied), f"{script} is not copied"
    return REPO_ROOT / script


def test_database_is_postgres_15(db_service: dict[str, Any]) -> None:
    image, _, tag = db_service["image"].partition(":")
    assert image in {"postgres", "docker.io/library/postgres"}
    assert tag.split(".")[0].split("-")[0] == "15"


def test_database_has_a_readiness_healthcheck(db_service: dict[str, Any]) -> None:
    test = db_service["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test)
    assert "pg_isready" in command


def test_database_keeps_its_data_in_a_declared_named_volume(
    compose: dict[str, Any], db_service: dict[str, Any]
) -> None:
    declared = compose.get("volumes") or {}
    mounts = [
        (v["source"], v["target"]) if isinstance(v, dict) else tuple(v.split(":")[:2])
        for v in db_service["volumes"]
    ]
    named = [source for source, target in mounts if target == "/var/lib/postgresql/data"]
    assert named, "nothing is mounted on /var/lib/postgresql/data"
    assert named[0] in declared, f"volume {named[0]!r} is not declared under top-level volumes"


def test_app_waits_for_a_healthy_database(app_service: dict[str, Any]) -> None:
    depends_on = app_service["depends_on"]
    assert isinstance(depends_on, dict), "the short depends_on form cannot wait for health"
    assert depends_on["db"]["condition"] == "service_healthy"


def test_app_sets_only_variables_the_settings_read(app_service: dict[str, Any]) -> None:
    fields = {name.lower() for name in Settings.model_fields}
    env = environment(app_service)
    assert env, "the app service sets no environment"
    unknown = sorted(name for name in env if name.lower() not in fields)
    assert not unknown, f"Settings reads no field named {unknown}"


def test_app_database_url_points_at_the_db_service(
    compose: dict[str, Any], app_service: dict[str, Any], db_service: dict[str, Any]
) -> None:
    url = make_url(environment(app_service)["DATABASE_URL"])
    db_env = environment(db_service)
    assert url.drivername == "postgresql+psycopg"
    assert url.host in compose["services"]
    assert compose["services"][url.host] is db_service
    assert url.port in {None, 5432}
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"]
    assert url.database == db_env["POSTGRES_DB"]


def test_app_environment_is_valid_settings(app_service: dict[str, Any]) -> None:
    env = {name.lower(): value for name, value in environment(app_service).items()}
    settings = Settings(_env_file=None, **env)
    assert settings.host == "0.0.0.0"  # inside a container, loopback is unreachable


def test_app_publishes_the_port_it_listens_on(app_service: dict[str, Any]) -> None:
    port = int(environment(app_service)["PORT"])
    published = []
    for mapping in app_service["ports"]:
        if isinstance(mapping, dict):
            published.append(int(mapping["target"]))
        else:
            published.append(int(str(mapping).split(":")[-1].split("/")[0]))
    assert published == [port]


def test_entrypoint_script_exists_and_is_executable() -> None:
    script = entrypoint_script()
    assert script.is_file(), f"{script} does not exist"
    assert os.access(script, os.X_OK), f"{script} is not executable"
    assert script.read_bytes().startswith(b"#!/bin/sh\n"), "needs a shebang and LF endings"


def test_entrypoint_migrates_before_it_serves() -> None:
    lines = [
        line.split("#", 1)[0]
        for line in entrypoint_script().read_text(encoding="utf-8").splitlines()
    ]
    commands = "\n".join(lines)
    migrate = re.search(r"\bprovenance migrate\b", commands)
    serve = re.search(r"\bexec provenance serve\b", commands)
    assert migrate, "the entrypoint never runs `provenance migrate`"
    assert serve, "the entrypoint never execs `provenance serve`"
    assert migrate.start() < serve.start()
