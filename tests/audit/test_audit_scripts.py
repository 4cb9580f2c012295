"""The example audit scripts in docs/audits/ run, as an analyst would run them, against a
live seeded server, and print what the API says."""

from __future__ import annotations

import ast
import runpy
import sys

import httpx
import pytest

from app.config import REPO_ROOT
from tests.live_api import LiveApi

SCRIPTS = REPO_ROOT / "docs" / "audits"


def run_script(
    name: str, live_api: LiveApi, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], *args: str,
) -> tuple[int, str]:  # fmt: skip
    """``python docs/audits/NAME.py --url URL ARGS``, in this process: (exit code, stdout)."""
    path = SCRIPTS / f"{name}.py"
    monkeypatch.setattr(sys, "argv", [str(path), "--url", live_api.url, *args])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(str(path), run_name="__main__")
    return int(exited.value.code or 0), capsys.readouterr().out


def test_every_script_says_what_it_is_for() -> None:
    scripts = sorted(SCRIPTS.glob("*.py"))
    assert len(scripts) >= 3
    for script in scripts:
        docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
        assert docstring, f"{script.name} has no docstring"
        assert f"docs/audits/{script.name}" in docstring  # how to run it
        assert script.name in (REPO_ROOT / "docs" / "audits.md").read_text(encoding="utf-8")


def test_conflict_watch_prints_each_conflict_with_both_quotes(
    live_api: LiveApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    conflicts = httpx.get(f"{live_api.url}/conflicts", params={"min_severity": 0.1}).json()
    code, out = run_script("conflict_watch", live_api, monkeypatch, capsys, "--min-severity", "0.1")
    assert code == 0
    assert f"{len(conflicts['items'])} conflict(s) of severity >= 0.1" in out
    for c in conflicts["items"]:
        assert c["reason"] in out
        for side in (c["a"], c["b"]):
            assert f'{side["outlet"]["name"]}: {side["value"]} "{side["quote"]}"' in out
    failing, _ = run_script(
        "conflict_watch", live_api, monkeypatch, capsys, "--min-severity", "0.1", "--fail"
    )
    assert failing == (1 if conflicts["items"] else 0)


def test_echo_chamber_lists_claims_with_more_outlets_than_voices(
    live_api: LiveApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_script("echo_chamber", live_api, monkeypatch, capsys)
    assert code == 0
    # Two outlets (SouthFront, World-News.tech) both quoting Shoigu: one voice.
    assert "nk-military-builders-sent-to-kursk: 2 outlets, 1 independent source(s)" in out
    assert "Sergei Shoigu" in out
    for line in out.splitlines()[:-1]:
        outlets, sources = (int(w) for w in line.split(": ")[1].split()[::2][:2])
        assert outlets > sources


def test_outlet_scorecard_is_a_markdown_row_per_outlet(
    live_api: LiveApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_script("outlet_scorecard", live_api, monkeypatch, capsys)
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| ")][1:]
    outlets = httpx.get(f"{live_api.url}/outlets", params={"limit": 500}).json()["items"]
    assert sorted(r.split(" | ")[0][2:] for r in rows) == sorted(o["name"] for o in outlets)
    sputnik = httpx.get(f"{live_api.url}/outlets/sputnik/record").json()
    (row,) = [r for r in rows if r.startswith("| Sputnik International |")]
    assert f"| {sputnik['assertions']} | {sputnik['agreements']} | {sputnik['conflicts']} |" in row
