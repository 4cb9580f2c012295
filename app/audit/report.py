"""An audit report as a terminal table, Markdown or JSON."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from app.audit.run import AuditReport


def _status(tripped: bool, fail_on: bool) -> str:
    if not tripped:
        return "ok"
    return "FAIL" if fail_on else "findings"


def to_json(report: AuditReport) -> str:
    return report.model_dump_json(indent=2)


def _cell(text: str) -> str:
    """Text that cannot break a Markdown table row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(report: AuditReport) -> str:
    lines = [
        f"# Audit of {report.url}",
        "",
        f"{report.generated_at:%Y-%m-%d %H:%M} UTC; conflicts of severity >= "
        f"{report.min_severity}; stale: nothing since {report.stale_since}.",
        "",
        "| rule | what | findings | status |",
        "|---|---|---:|---|",
    ]
    for r in report.rules:
        status = _status(bool(r.findings), r.fail_on)
        lines.append(f"| `{r.rule}` | {_cell(r.title)} | {len(r.findings)} | {status} |")
    for r in report.rules:
        if not r.findings:
            continue
        lines += [
            "",
            f"## {r.rule}: {r.title}",
            "",
            "| subject | detail | where |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_cell(f.subject)} | {_cell(f.detail)} | [{_cell(f.path)}]({report.url}{f.path}) |"
            for f in r.findings
        ]
    return "\n".join(lines) + "\n"


def print_tables(report: AuditReport, console: Console) -> None:
    """A summary table, then one table of findings per rule that found something."""
    summary = Table(
        "rule", "what", "findings", "status",
        title=f"Audit of {report.url}",
        caption=f"conflicts of severity >= {report.min_severity}; "
        f"stale: nothing since {report.stale_since}",
    )  # fmt: skip
    for r in report.rules:
        status = _status(bool(r.findings), r.fail_on)
        colour = {"ok": "green", "FAIL": "bold red", "findings": "yellow"}[status]
        summary.add_row(r.rule, r.title, str(len(r.findings)), f"[{colour}]{status}[/{colour}]")
    console.print(summary)
    for r in report.rules:
        if not r.findings:
            continue
        table = Table("subject", "detail", "where", title=f"{r.rule}: {r.title}")
        for f in r.findings:
            table.add_row(f.subject, f.detail, f.path)
        console.print(table)
