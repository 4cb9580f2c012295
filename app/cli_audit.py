"""`provenance audit`: run the audit rules over a server's API and report what they find."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import httpx
import typer
from rich.console import Console

from app.audit.report import print_tables, to_json, to_markdown
from app.audit.rules import RULES
from app.audit.run import Thresholds, audit
from app.client import Client, ProblemError, RetryPolicy
from app.client.defaults import DEFAULT_URL
from app.progress import progress_bar

err = Console(stderr=True)

Rule = StrEnum("Rule", {name: name for name in RULES})  # type: ignore[misc]
EXIT_TRIPPED = 1  # a --fail-on rule found something
EXIT_FAILED = 2  # the audit could not run (server unreachable, API error, bad option)


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def audit_command(
    url: Annotated[str, typer.Option(help="The API to audit")] = DEFAULT_URL,
    rule: Annotated[
        list[Rule] | None, typer.Option("--rule", help="Run only this rule (repeatable)")
    ] = None,
    fail_on: Annotated[
        list[Rule] | None,
        typer.Option("--fail-on", help="Exit with code 1 when this rule finds something"),
    ] = None,
    min_severity: Annotated[
        float, typer.Option(min=0, max=1, help="conflicts: the least severity reported")
    ] = 0.5,
    stale_since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="stale: default 90 days ago"),
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", help="table, json, markdown")] = (
        Format.table
    ),
    api_key: Annotated[
        str | None, typer.Option(envvar="PROVENANCE_API_KEY", help="Needed when reads are closed")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per request")] = 30.0,
    retries: Annotated[
        int, typer.Option(min=0, help="Retries of a request answered 429/503 or not connected")
    ] = 3,
) -> None:
    """Audit a server through its API: severe conflicts, single-source claims, assertions
    without quote or attribution, documents whose text no longer matches its sha256, and
    stale claims. Exit code 1 when a --fail-on rule finds something, 2 when the audit
    could not run."""
    chosen = [str(r) for r in rule] if rule else list(RULES)
    failing = [str(r) for r in fail_on or []]
    since = stale_since.date() if stale_since else datetime.now(UTC).date() - timedelta(days=90)
    thresholds = Thresholds(min_severity=min_severity, stale_since=since)
    try:
        with (
            Client(
                url, api_key=api_key, timeout=timeout, retry=RetryPolicy(attempts=retries + 1)
            ) as api,
            progress_bar(f"auditing {url}", unit="records", console=err) as bar,
        ):
            report = audit(api, chosen, thresholds, fail_on=failing, ticker=bar)
    except ProblemError as exc:
        err.print(f"[red]audit failed: {exc.instance} answered {exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_FAILED) from exc
    except httpx.HTTPError as exc:
        err.print(f"[red]audit failed: cannot reach {url}: {exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_FAILED) from exc
    if output_format is Format.json:
        typer.echo(to_json(report))
    elif output_format is Format.markdown:
        typer.echo(to_markdown(report), nl=False)
    else:
        print_tables(report, Console())
    if report.tripped:
        err.print(f"failed: {', '.join(report.tripped)}", highlight=False)
        raise typer.Exit(EXIT_TRIPPED)
