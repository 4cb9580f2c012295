"""`provenance export --what assertions|conflicts --format csv|ndjson`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings


@pytest.fixture
def run(seeded, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_export_assertions_as_csv_and_ndjson_to_a_file_or_stdout(run, tmp_path):
    out = tmp_path / "assertions.csv"
    result = run("export", "--what", "assertions", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ndjson = run("export", "--what", "assertions", "--format", "ndjson")
    assert ndjson.exit_code == 0, ndjson.output
    lines = [json.loads(line) for line in ndjson.stdout.splitlines()]
    assert [r["key"] for r in rows] == [a["key"] for a in lines]
    assert len(rows) > 20
    assert f"{len(rows)} assertions" in result.stderr


def test_export_conflicts_as_csv_has_the_header_even_when_there_are_none(run):
    result = run("export", "--what", "conflicts", "--format", "csv")
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:3] == ["claim", "claim_id", "unit"]


def test_a_bundle_is_only_ndjson(run):
    result = run("export", "--format", "csv")
    assert result.exit_code == 2
    assert "NDJSON" in result.stderr
