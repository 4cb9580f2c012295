"""Long commands draw a progress bar on a terminal and stay quiet otherwise."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

import app.cli
from app.cli import cli
from app.config import get_settings
from app.progress import counting_lines, progress_bar
from tests.conftest import SEED_BUNDLE

Run = Callable[..., Result]


def shown(screen: io.StringIO) -> str:
    """What a person sees: the text without the terminal's escape sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())


def terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=120), screen


def test_on_a_terminal_the_bar_shows_what_and_how_far() -> None:
    console, screen = terminal()
    with progress_bar("importing x.ndjson", 40, unit="lines", console=console) as bar:
        for _ in range(40):
            bar.advance()
    drawn = shown(screen)
    assert "importing x.ndjson" in drawn
    assert "40/40" in drawn
    assert "lines" in drawn


def test_off_a_terminal_nothing_is_drawn() -> None:
    screen = io.StringIO()
    with progress_bar("importing", 3, console=Console(file=screen)) as bar:
        bar.advance()
        bar.set(3)
    console, drawn = terminal()
    with progress_bar("exporting", console=console, enabled=False) as bar:
        bar.advance()
    assert screen.getvalue() == drawn.getvalue() == ""


@given(st.lists(st.text(alphabet="ab\n", max_size=20), max_size=20))
def test_counting_lines_counts_each_line_and_passes_the_text_through(chunks: list[str]) -> None:
    class Count:
        lines = 0

        def advance(self, steps: int = 1) -> None:
            self.lines += steps

        def set(self, completed: int) -> None:
            self.lines = completed

    out, ticker = io.StringIO(), Count()
    writer = counting_lines(out, ticker)
    for chunk in chunks:
        writer.write(chunk)
    assert out.getvalue() == "".join(chunks)
    assert ticker.lines == out.getvalue().count("\n")


@pytest.fixture
def run(db: object, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)
    get_settings.cache_clear()


def test_seed_import_and_export_are_quiet_when_not_a_terminal(run: Run, tmp_path: Path) -> None:
    seeded = run("seed")
    assert seeded.exit_code == 0
    out = tmp_path / "bundle.ndjson"
    exported = run("export", "-o", str(out))
    imported = run("import", str(out), "--json")
    for result in (seeded, exported, imported):
        assert result.exit_code == 0
        assert "\x1b[" not in result.output
        assert "importing" not in result.output
        assert "exporting" not in result.output
    assert exported.stderr.strip().endswith("assertions")  # only the counts


def test_import_and_export_draw_their_bar_on_a_terminal(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, screen = terminal()
    monkeypatch.setattr(app.cli, "err", console)
    assert run("import", str(SEED_BUNDLE)).exit_code == 0
    lines = sum(1 for _ in SEED_BUNDLE.open("rb"))
    assert f"importing {SEED_BUNDLE.name}" in shown(screen)
    assert f"{lines}/{lines} lines" in shown(screen)

    console, screen = terminal()
    monkeypatch.setattr(app.cli, "err", console)
    out = tmp_path / "bundle.ndjson"
    assert run("export", "-o", str(out)).exit_code == 0
    records = sum(1 for _ in out.open("rb"))
    assert "exporting" in shown(screen)
    assert f"{records}/? records" in shown(screen)  # no known end: a count

    console, screen = terminal()
    monkeypatch.setattr(app.cli, "err", console)
    table = tmp_path / "assertions.csv"
    assert run("export", "--what", "assertions", "--format", "csv", "-o", str(table)).exit_code == 0
    rows = len(table.read_text(encoding="utf-8").splitlines()) - 1  # less the header
    assert "exporting assertions" in shown(screen)
    assert f"{rows}/? rows" in shown(screen)
