"""The `provenance` command against a real database."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from app.cli import cli
from app.config import get_settings
from app.db.models import ClaimAssessment, StaleClaim


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


ARTICLE = (
    "SEOUL, June 18 (Wire) - North Korea will send 1,000 sappers to Russia's Kursk region, "
    "Sergei Shoigu said on Tuesday.\n\nThey have cleared some 42,400 hectares so far.\n"
    "Comments (1)\nlol 5,000 more\n"
)


def test_extract_prints_candidates_and_stores_them_only_when_asked(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: table cells are not wrapped
    assert run("seed").exit_code == 0
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    shown = run("extract", str(article), "--outlet", "sputnik", "--published", "2025-06-18")
    assert shown.exit_code == 0, shown.output
    assert "1,000" in shown.stdout
    assert "nk-sappers-sent-to-kursk" in shown.stdout
    assert "5,000" not in shown.stdout  # from the comments
    assert "2 candidates" in shown.output
    assert "0 accepted" in shown.output

    stored = json.loads(run("extract", str(article), "--accept", "--json").stdout)
    assert len(stored["accepted"]) == 2
    assert {"comments"} <= {span["reason"] for span in stored["excluded"]}
    again = json.loads(run("extract", str(article), "--accept", "--json").stdout)
    assert again["document"] == stored["document"]
    assert again["accepted"] == stored["accepted"]


def test_extract_of_new_text_without_an_outlet_stores_nothing(run, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run("extract", str(article))
    assert result.exit_code == 1
    assert "nothing was stored" in result.output
    assert "--outlet" in result.output


def test_keys_are_created_listed_and_revoked_from_the_command_line(run):
    created = run("keys", "create", "night-audit", "--role", "admin")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("pvk_")
    listed = json.loads(run("keys", "list", "--json").stdout)
    assert [(k["name"], k["role"]) for k in listed] == [("night-audit", "admin")]
    assert secret not in run("keys", "list").stdout
    assert run("keys", "revoke", listed[0]["prefix"]).exit_code == 0
    assert json.loads(run("keys", "list", "--json").stdout) == []
    assert run("keys", "revoke", "999").exit_code == 1


def _stale_and_stored(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (  # claims marked stale, claims with a stored assessment
            conn.scalar(sa.select(sa.func.count(sa.distinct(StaleClaim.claim_id)))),
            conn.scalar(sa.select(sa.func.count()).select_from(ClaimAssessment)),
        )


def test_import_assesses_the_claims_it_changed_unless_told_not_to(run, engine):
    later = run("seed", "--no-assess")
    assert later.exit_code == 0, later.output
    stale, stored = _stale_and_stored(engine)
    assert (stale, stored) == (22, 0)  # the seed's claims, none assessed yet
    assessed = run("assess", "--jobs", "2")  # worker processes, as on a big import
    assert assessed.exit_code == 0, assessed.output
    assert "assessed 22 claim(s)" in assessed.stdout
    assert _stale_and_stored(engine) == (0, 22)
    assert "assessed 0 claim(s)" in run("assess").stdout  # nothing left to do

    with engine.begin() as conn:  # a write the API never saw: the trigger marks it
        conn.execute(sa.text("UPDATE assertions SET high = high + 1 WHERE id = 1"))
    assert _stale_and_stored(engine)[0] == 1
    again = run("seed")  # unchanged records; the import assesses what is stale
    assert again.exit_code == 0, again.output
    assert "assessed 1 claim(s)" in again.output
    assert _stale_and_stored(engine) == (0, 22)
