"""`provenance export --what assertions|conflicts`: the /exports tables, from the CLI."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

from rich.console import Console

from app.config import get_settings
from app.db import queries
from app.db.engine import make_engine, make_session_factory
from app.progress import progress_bar
from app.services import exports
from app.services.exports import ExportFormat


class ExportWhat(StrEnum):
    BUNDLE = "bundle"
    ASSERTIONS = "assertions"
    CONFLICTS = "conflicts"


def export_table(what: ExportWhat, fmt: ExportFormat, output: Path | None, err: Console) -> None:
    """Write every live assertion, or every conflicting pair, as CSV or NDJSON, streamed
    as ``GET /exports/{what}.{fmt}`` streams it."""
    engine = make_engine(get_settings().database_url)
    factory = make_session_factory(engine)
    try:
        if what is ExportWhat.ASSERTIONS:
            lines = exports.render(
                exports.assertions(factory, queries.AssertionFilter()), fmt,
                exports.ASSERTION_COLUMNS,
            )  # fmt: skip
        else:
            lines = exports.render(exports.conflicts(factory), fmt, exports.CONFLICT_COLUMNS)
        rows = -1 if fmt is ExportFormat.CSV else 0  # the CSV header is not a row
        shown = output is not None or not sys.stdout.isatty()  # no bar over rows on screen
        with progress_bar(
            f"exporting {what.value}", unit="rows", console=err, enabled=shown
        ) as bar:
            if output is None:
                for line in lines:
                    sys.stdout.write(line)
                    rows += 1
                    bar.set(max(rows, 0))
            else:
                # newline="": the csv module writes its own line ends (\r\n, RFC 4180).
                with output.open("w", encoding="utf-8", newline="") as handle:
                    for line in lines:
                        handle.write(line)
                        rows += 1
                        bar.set(max(rows, 0))
    finally:
        engine.dispose()
    err.print(f"{max(rows, 0)} {what.value}", highlight=False)
