"""The `provenance` command: serve, migrate, seed, import, assess and export."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from app.cli_audit import audit_command
from app.cli_export import ExportWhat, export_table
from app.cli_keys import admin_hint, keys_cli
from app.config import get_settings
from app.db import migrate as migrations
from app.db.engine import make_engine, make_session_factory, transaction
from app.domain.errors import ProvenanceError
from app.progress import counting_lines, progress_bar
from app.schemas.extraction import ExtractIn
from app.services import assessment_store, bundle, documents, extraction
from app.services.exports import ExportFormat

cli = typer.Typer(
    help="Claim-and-source provenance tracker.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
cli.add_typer(keys_cli, name="keys")
cli.command("audit")(audit_command)
err = Console(stderr=True)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _import(path: Path, actor: str) -> bundle.ImportReport:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        total = _count_lines(path) if err.is_terminal else None
        with (
            progress_bar(f"importing {path.name}", total, unit="lines", console=err) as bar,
            transaction(factory) as session,
        ):
            return bundle.import_file(session, path, actor, progress=bar.set)
    finally:
        engine.dispose()


def _print_report(report: bundle.ImportReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    table = Table("record", "created", "updated", "unchanged")
    for kind in bundle.TYPES:
        table.add_row(
            kind, str(report.created[kind]), str(report.updated[kind]),
            str(report.unchanged[kind]),
        )  # fmt: skip
    Console().print(table)


@cli.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date (Alembic upgrade)."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


def _assess_stale(jobs: int) -> int:
    """Assess every claim a write marked stale; returns how many were stored."""
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            total = assessment_store.stale_count(session)
        jobs = min(jobs, 1 + total // assessment_store.BATCH)  # no workers for a handful
        with progress_bar("assessing", total, unit="claims", console=err) as bar:
            return assessment_store.refresh(engine, progress=bar, jobs=jobs)
    finally:
        engine.dispose()


def _import_and_report(path: Path, actor: str, as_json: bool, assess: bool) -> None:
    try:
        report = _import(path, actor)
    except ProvenanceError as exc:
        err.print(f"[red]{path.name}: nothing was stored:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    _print_report(report, as_json)
    if assess:
        started = time.perf_counter()
        count = _assess_stale(os.cpu_count() or 1)
        err.print(f"assessed {count} claim(s) in {time.perf_counter() - started:.1f} s")


_ASSESS = typer.Option(
    "--assess/--no-assess",
    help="Then assess the claims the import changed, so the first reads are fast "
    "(else each is assessed when first read; `provenance assess` does it later)",
)


@cli.command("import")
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON")] = False,
    assess: Annotated[bool, _ASSESS] = True,
) -> None:
    """Import an NDJSON bundle in one transaction (all or nothing); safe to repeat."""
    _import_and_report(path, "cli:import", as_json, assess)


@cli.command()
def seed(
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON")] = False,
    assess: Annotated[bool, _ASSESS] = True,
) -> None:
    """Load the seed data set (seeds/bundle.ndjson); running it twice changes nothing."""
    _import_and_report(get_settings().seeds_dir / "bundle.ndjson", "cli:seed", as_json, assess)


@cli.command("assess")
def assess_command(
    jobs: Annotated[
        int, typer.Option(min=1, help="Worker processes (default: one per CPU)")
    ] = os.cpu_count() or 1,
) -> None:
    """Assess now every claim whose evidence changed since its assessment was stored
    (reads do it claim by claim otherwise; `import` does it unless --no-assess)."""
    started = time.perf_counter()
    count = _assess_stale(jobs)
    typer.echo(f"assessed {count} claim(s) in {time.perf_counter() - started:.1f} s")


@cli.command()
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default stdout")
    ] = None,
    what: Annotated[
        ExportWhat,
        typer.Option(help="bundle: every live record; assertions or conflicts: one table"),
    ] = ExportWhat.BUNDLE,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv or ndjson; a bundle is ndjson")
    ] = ExportFormat.NDJSON,
) -> None:
    """Export every live record as an NDJSON bundle, or (--what) every live assertion or
    conflicting pair as CSV or NDJSON."""
    if what is not ExportWhat.BUNDLE:
        export_table(what, fmt, output, err)
        return
    if fmt is not ExportFormat.NDJSON:
        err.print("[red]a bundle is NDJSON:[/red] --format csv is for assertions or conflicts")
        raise typer.Exit(2)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    # No bar over records written to the terminal itself.
    shown = output is not None or not sys.stdout.isatty()
    try:
        with (
            transaction(make_session_factory(engine)) as session,
            progress_bar("exporting", unit="records", console=err, enabled=shown) as bar,
        ):
            if output is None:
                counts = bundle.export(session, counting_lines(sys.stdout, bar))
            else:
                with output.open("w", encoding="utf-8") as handle:
                    counts = bundle.export(session, counting_lines(handle, bar))
    finally:
        engine.dispose()
    err.print(", ".join(f"{counts[t]} {t}s" for t in bundle.TYPES), highlight=False)


@cli.command()
def extract(
    source: Annotated[str, typer.Argument(help="A text or HTML file, or - for standard input")],
    outlet: Annotated[
        str | None, typer.Option(help="Outlet slug (needed to store a new document)")
    ] = None,
    title: Annotated[str | None, typer.Option()] = None,
    published: Annotated[
        datetime | None, typer.Option(help="Publication date: time cues are read against it")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="en, de, es or ru: how unit nouns are read")
    ] = None,
    accept: Annotated[bool, typer.Option("--accept", help="Store the candidates")] = False,
    create_claims: Annotated[
        bool, typer.Option("--create-claims", help="With --accept: create proposed claims")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Find the candidate assertions of a captured article; --accept stores them.

    The text is stored as a document first (once: the same text is found again by its
    sha256). The service never fetches URLs: give it the text.
    """
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            document = documents.find_or_store(
                session, text, outlet=outlet, title=title, published=published,
                language=language, actor="cli:extract",
            )  # fmt: skip
            request = ExtractIn(accept="all", create_claims=create_claims) if accept else None
            result = extraction.extract(session, document.id, request, "cli:extract")
    except ProvenanceError as exc:
        err.print(f"[red]nothing was stored:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(
        "key",
        "value",
        "unit",
        "claim",
        "source",
        "as of",
        "quote",
        title=f"document {document.key}",
    )
    for c in result.candidates:
        claim = (
            c.suggested_claim.claim.slug
            if c.suggested_claim
            else f"(new: {c.proposed_claim.slug})"
            if c.proposed_claim
            else ""
        )
        table.add_row(
            c.key, c.value.text, c.unit or "", claim,
            c.attribution.source.slug if c.attribution.source else (c.attribution.name or ""),
            f"{c.as_of.start}..{c.as_of.end}" if c.as_of else "",
            c.quote.exact[:60],
        )  # fmt: skip
    Console().print(table)
    err.print(
        f"{len(result.candidates)} candidates, {len(result.excluded)} excluded spans, "
        f"{len(result.accepted)} accepted"
    )


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST setting, 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT setting, 8000")] = None,
    reload: bool = False,
) -> None:
    """Serve the API and its docs (/docs)."""
    import uvicorn

    settings = get_settings()
    hint = admin_hint()
    if hint:
        err.print(hint, highlight=False)
    uvicorn.run(
        "app.main:create_app", factory=True, reload=reload,
        host=host or settings.host, port=port or settings.port,
        access_log=False,  # the app logs each request as one JSON line, with its request id
    )  # fmt: skip


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
