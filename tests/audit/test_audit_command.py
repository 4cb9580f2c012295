"""`provenance audit` against a live seeded server on both databases: the report names
what each rule finds (checked against the API's own answers), in every format, and the
exit code says whether a --fail-on rule tripped."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import httpx
import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

import app.cli_audit
from app.cli import cli
from tests.live import free_port
from tests.live_api import LiveApi

RULES = ["conflicts", "single-source", "unquoted", "unattributed", "tampered", "stale"]
STALE_SINCE = "2025-12-01"


def audit(live_api: LiveApi, *args: str) -> Result:
    return CliRunner().invoke(cli, ["audit", "--url", live_api.url, *args])


def json_report(live_api: LiveApi, *args: str) -> dict[str, Any]:
    result = audit(live_api, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def subjects(report: dict[str, Any], rule: str) -> set[str]:
    (found,) = [r for r in report["rules"] if r["rule"] == rule]
    return {f["subject"] for f in found["findings"]}


def every(live_api: LiveApi, path: str, **params: str) -> list[dict[str, Any]]:
    """Every row of a list, straight from the API (no client): the audit's yardstick."""
    rows: list[dict[str, Any]] = []
    url: str | None = f"{path}?limit=500"
    while url:
        page = httpx.get(live_api.url + url, params=params if "?limit" in url else None).json()
        rows += page["items"]
        url = page["next"]
    return rows


def test_the_report_names_what_each_rule_finds(live_api: LiveApi) -> None:
    report = json_report(live_api, "--min-severity", "0.1", "--stale-since", STALE_SINCE)
    assert [r["rule"] for r in report["rules"]] == RULES
    assert report["url"] == live_api.url
    assert report["tripped"] == []

    conflicts = every(live_api, "/conflicts", min_severity="0.1")
    assert subjects(report, "conflicts") == {
        f"claim {c['claim']['slug']}: {c['a']['key']} vs {c['b']['key']}" for c in conflicts
    }
    # The seeds' one conflict: "thousands of troops" against "around 14,000" (severity 0.21).
    assert "claim nk-troops-deployed-to-russia: seed-003-troops vs seed-004-troops" in subjects(
        report, "conflicts"
    )

    assertions = every(live_api, "/assertions", status="active")
    assert subjects(report, "unquoted") == {
        f"assertion {a['key']}" for a in assertions if a["quote"] is None
    }
    assert subjects(report, "unattributed") == {
        f"assertion {a['key']}"
        for a in assertions
        if a["attribution"]["source"] is None and not a["attribution"]["via"]
    }
    assert "assertion seed-000-sappers" in subjects(report, "unattributed")  # Sputnik's own

    single = subjects(report, "single-source")
    assert "claim nk-military-builders-sent-to-kursk" in single  # two outlets, one voice
    assert "claim nk-sappers-sent-to-kursk" not in single  # Shoigu and Sputnik agree
    assert subjects(report, "tampered") == set()

    latest: dict[str, str] = {}
    for a in assertions:
        day = (a["document"]["published_at"] or a["created_at"])[:10]
        latest[a["claim"]["slug"]] = max(day, latest.get(a["claim"]["slug"], day))
    claims = every(live_api, "/claims")
    assert subjects(report, "stale") == {
        f"claim {c['slug']}" for c in claims if latest.get(c["slug"], "") < STALE_SINCE
    }
    stale = subjects(report, "stale")
    assert "claim nk-soldiers-killed" not in stale  # reported again in January 2026
    assert "claim nk-military-builders-sent-to-kursk" in stale  # last reported in June 2025


def test_min_severity_leaves_out_milder_conflicts(live_api: LiveApi) -> None:
    report = json_report(live_api, "--rule", "conflicts", "--min-severity", "0.9")
    assert [r["rule"] for r in report["rules"]] == ["conflicts"]
    severities = [c["severity"] for c in every(live_api, "/conflicts", min_severity="0.9")]
    assert len(subjects(report, "conflicts")) == len(severities)
    assert all(f["severity"] >= 0.9 for f in report["rules"][0]["findings"])


def test_fail_on_sets_the_exit_code_when_its_rule_trips(live_api: LiveApi) -> None:
    tripped = audit(live_api, "--rule", "conflicts", "--fail-on", "unattributed")
    assert tripped.exit_code == 1
    assert "failed: unattributed" in tripped.stderr
    assert "FAIL" in tripped.stdout

    clean = audit(live_api, "--rule", "conflicts", "--fail-on", "tampered")
    assert clean.exit_code == 0, clean.output
    report = json.loads(
        audit(live_api, "--format", "json", "--fail-on", "tampered", "--fail-on", "stale",
              "--stale-since", "2000-01-01").stdout
    )  # fmt: skip
    assert report["tripped"] == []


def test_a_tampered_document_is_found_and_fails_the_audit(live_api: LiveApi) -> None:
    live_api.execute(
        "UPDATE documents SET raw_text = raw_text || ' (edited)' WHERE key = 'seed-004'"
    )
    try:
        listed = httpx.get(f"{live_api.url}/documents", params={"limit": 500}).json()["items"]
        assert {d["key"]: d["text_matches_sha256"] for d in listed}["seed-004"] is False
        assert sum(not d["text_matches_sha256"] for d in listed) == 1
        result = audit(live_api, "--rule", "tampered", "--fail-on", "tampered", "--format", "json")
        assert result.exit_code == 1
        assert subjects(json.loads(result.stdout), "tampered") == {"document seed-004"}
    finally:
        live_api.execute(
            "UPDATE documents SET raw_text = substr(raw_text, 1, length(raw_text) - 9) "
            "WHERE key = 'seed-004'"
        )
    assert audit(live_api, "--rule", "tampered", "--fail-on", "tampered").exit_code == 0


def test_markdown_and_table_carry_the_same_findings(live_api: LiveApi) -> None:
    args = ("--rule", "conflicts", "--rule", "single-source", "--min-severity", "0.1")
    report = json_report(live_api, *args)
    markdown = audit(live_api, "--format", "markdown", *args)
    assert markdown.exit_code == 0
    text = markdown.stdout
    assert text.startswith(f"# Audit of {live_api.url}\n")
    assert "| rule | what | findings | status |" in text
    for rule in report["rules"]:
        assert f"| `{rule['rule']}` | {rule['title']} | {len(rule['findings'])} |" in text
        for finding in rule["findings"]:
            assert f"[{finding['path']}]({live_api.url}{finding['path']})" in text
    table = audit(live_api, *args)
    assert table.exit_code == 0
    assert f"Audit of {live_api.url}" in table.stdout
    assert "nk-troops-deployed" in table.stdout
    assert "\x1b[" not in table.output  # not a terminal: no progress bar, no colours


def test_an_unreachable_server_is_exit_code_2() -> None:
    result = CliRunner().invoke(
        cli, ["audit", "--url", f"http://127.0.0.1:{free_port()}", "--retries", "0"]
    )
    assert result.exit_code == 2
    assert "cannot reach" in result.stderr


@pytest.mark.parametrize("bad", [["--fail-on", "nonsense"], ["--min-severity", "2"]])
def test_bad_options_are_usage_errors(bad: list[str]) -> None:
    assert CliRunner().invoke(cli, ["audit", *bad]).exit_code == 2


def test_on_a_terminal_the_audit_draws_a_progress_bar(
    live_api: LiveApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(app.cli_audit, "err", Console(file=screen, force_terminal=True))
    assert audit(live_api, "--rule", "tampered", "--format", "json").exit_code == 0
    documents = len(every(live_api, "/documents"))
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert f"auditing {live_api.url}" in drawn
    assert f"{documents}/? records" in drawn  # one tick per document read
