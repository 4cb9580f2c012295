"""The `provenance` command against a real database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings


@pytest.fixture
def run(db, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_seed_is_idempotent(run):
    first = run("seed", "--json")
    assert first.exit_code == 0, first.output
    created = json.loads(first.stdout)["created"]
    assert created["document"] == 5
    assert created["assertion"] > 20
    second = json.loads(run("seed", "--json").stdout)
    assert sum(second["created"].values()) == 0
    assert sum(second["updated"].values()) == 0
    assert second["unchanged"] == created


def test_export_and_import_round_trip(run, tmp_path):
    assert run("seed").exit_code == 0
    out = tmp_path / "bundle.ndjson"
    assert run("export", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").count('"type":"document"') == 5
    again = json.loads(run("import", str(out), "--json").stdout)
    assert sum(again["updated"].values()) == 0


def test_a_bad_bundle_fails_with_exit_code_1_and_says_so(run, tmp_path):
    bad = tmp_path / "bad.ndjson"
    bad.write_text('{"type": "outlet", "slug": "x", "name": "X"}\n{"type": "spaceship"}\n')
    result = run("import", str(bad))
    assert result.exit_code == 1
    assert "line 2" in result.output
    assert "nothing was stored" in result.output


def test_migrate_reports_head(run):
    result = run("migrate")
    assert result.exit_code == 0
    assert "head" in result.stdout
