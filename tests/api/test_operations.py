"""Operations: readiness, request ids, JSON request logs, metrics, CORS, the write limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings
from app.db import migrate
from app.domain.vocabulary import Role
from app.main import create_app
from tests import builders
from tests.apps import served

pytestmark = pytest.mark.anyio

BROWSER_APP = "https://analyst.example"


@pytest.fixture
def scratch_settings(tmp_path) -> Settings:
    """Settings on an SQLite file nobody migrated: for what needs no tables."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")


def _request_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "provenance.requests"]


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == name
    }


# Readiness


async def test_health_answers_while_the_service_is_up(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_migrated_database_is_ready(client, database_url):
    response = await client.get("/ready")
    assert response.status_code == 200
    ready = response.json()
    assert ready["status"] == "ready"
    assert ready["revision"] == migrate.head_revision(database_url)


async def test_database_without_migrations_is_not_ready(scratch_settings):
    async with served(scratch_settings) as api:
        response = await api.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:provenance:problem:not-migrated"
    assert problem["status"] == 503
    assert "provenance migrate" in problem["detail"]


async def test_database_behind_the_code_head_is_not_ready(tmp_path, scratch_settings):
    url = f"sqlite:///{tmp_path / 'behind.db'}"
    migrate.upgrade(url, "ba7d06dfb05a")  # the initial schema only
    async with served(scratch_settings, database_url=url) as api:
        response = await api.get("/ready")
    assert response.status_code == 503
    assert "ba7d06dfb05a" in response.json()["detail"]


async def test_database_that_does_not_answer_is_not_ready(tmp_path, scratch_settings):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}"
    async with served(scratch_settings, database_url=unreachable) as api:
        response = await api.get("/ready")
    assert response.status_code == 503
    assert response.json()["type"] == "urn:provenance:problem:database-unreachable"


# Request ids and logs


async def test_every_response_carries_a_generated_request_id(scratch_settings):
    async with served(scratch_settings) as api:
        first = await api.get("/metrics")
        second = await api.get("/no-such-page")
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2
    assert all(len(i) == 32 for i in ids)


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        ("4bf92f35-77b3-4da6-a3ce-929d0e0e4736", True),
        ("trace:abc.DEF_1", True),
        ("x" * 129, False),
        ("two words", False),
        ("<script>", False),
    ],
)
async def test_only_a_sane_incoming_request_id_is_echoed(scratch_settings, sent, echoed):
    async with served(scratch_settings) as api:
        response = await api.get("/metrics", headers={"X-Request-ID": sent})
    assert (response.headers["x-request-id"] == sent) is echoed


async def test_problem_details_quote_the_request_id(client):
    response = await client.get("/outlets/no-such-outlet", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    assert response.headers["x-request-id"] == "req-42"
    assert response.json()["request_id"] == "req-42"


async def test_each_request_is_logged_as_one_json_line(client, capsys):
    capsys.readouterr()
    response = await client.get("/outlets/no-such-outlet", headers={"X-Request-ID": "req-7"})
    [line] = _request_lines(capsys.readouterr().err)
    assert line["method"] == "GET"
    assert line["path"] == "/outlets/no-such-outlet"
    assert line["status"] == response.status_code == 404
    assert line["request_id"] == "req-7"
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float | int)
    assert line["duration_ms"] >= 0


async def test_log_level_setting_silences_request_lines(scratch_settings, capsys):
    async with served(scratch_settings, log_level="warning") as api:
        capsys.readouterr()
        await api.get("/metrics")
    assert _request_lines(capsys.readouterr().err) == []


def test_unknown_log_level_is_refused():
    with pytest.raises(ValueError, match="log_level"):
        Settings(log_level="chatty")


# Metrics


async def test_metrics_count_requests_by_route_template_not_raw_path(client):
    for ref in ("a", "b", "c"):
        await client.get(f"/outlets/{ref}")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    counts = _samples(response.text, "http_requests_total")
    by_template = (("method", "GET"), ("route", "/outlets/{ref}"), ("status", "404"))
    assert counts[by_template] == 3
    assert not any(dict(labels)["route"] == "/outlets/a" for labels in counts)
    latencies = _samples(response.text, "http_request_duration_seconds_count")
    assert latencies[(("method", "GET"), ("route", "/outlets/{ref}"))] == 3


async def test_apps_in_one_process_keep_their_own_metrics(scratch_settings):
    async with served(scratch_settings) as one, served(scratch_settings) as other:
        await one.get("/metrics")
        await one.get("/metrics")
        text = (await other.get("/metrics")).text
    assert _samples(text, "http_requests_total") == {}


# CORS


async def test_preflight_from_an_allowed_origin_is_answered(scratch_settings):
    async with served(scratch_settings, cors_origins=[BROWSER_APP]) as api:
        response = await api.options(
            "/outlets",
            headers={
                "Origin": BROWSER_APP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == BROWSER_APP
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_preflight_from_another_origin_is_refused(scratch_settings):
    async with served(scratch_settings, cors_origins=[BROWSER_APP]) as api:
        response = await api.options(
            "/outlets",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_browser_reads_expose_the_request_id(db, settings):
    async with served(settings, cors_origins=[BROWSER_APP]) as api:
        response = await api.get("/outlets", headers={"Origin": BROWSER_APP})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == BROWSER_APP
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_without_cors_origins_no_cors_headers_are_sent(scratch_settings):
    async with served(scratch_settings) as api:
        response = await api.get("/metrics", headers={"Origin": BROWSER_APP})
    assert "access-control-allow-origin" not in response.headers


# The write limit


async def test_write_past_the_limit_is_429_with_retry_after(db, settings, api_keys):
    editor = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
    async with served(settings, write_rate_limit="3/minute") as api:
        api.headers.update(editor)
        for _ in range(3):
            await builders.outlet(api)
        response = await api.post("/outlets", json={"slug": "one-too-many", "name": "x"})
        assert response.status_code == 429
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:provenance:problem:rate-limited"
        assert 0 < int(response.headers["retry-after"]) <= 60
        reads = [await api.get("/outlets") for _ in range(5)]
        assert [r.status_code for r in reads] == [200] * 5


async def test_write_limit_counts_each_client_separately(db, settings, api_keys):
    async with served(settings, write_rate_limit="1/minute") as api:
        editor = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
        admin = {"X-API-Key": api_keys[Role.ADMIN]}
        assert (await api.delete("/outlets/x", headers=editor)).status_code != 429
        assert (await api.delete("/outlets/x", headers=editor)).status_code == 429
        assert (await api.delete("/outlets/x", headers=admin)).status_code != 429
        # Without a key the client is its address; refused writes (401) count as well.
        assert (await api.patch("/outlets/x", json={})).status_code != 429
        assert (await api.patch("/outlets/x", json={})).status_code == 429


async def test_without_a_write_limit_writes_are_not_limited(db, settings):
    async with served(settings) as api:
        statuses = [(await api.post("/outlets", json={})).status_code for _ in range(20)]
    assert 429 not in statuses


def test_unreadable_write_limit_fails_when_the_app_is_built(scratch_settings):
    with pytest.raises(ValueError, match="rate limit"):
        create_app(scratch_settings.model_copy(update={"write_rate_limit": "lots"}))
