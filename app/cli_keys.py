"""`provenance keys`: create, list and revoke API keys on the configured database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db.engine import make_engine, make_session_factory, transaction
from app.domain.errors import ProvenanceError
from app.domain.vocabulary import Role
from app.schemas.keys import KeyOut
from app.services import keys

keys_cli = typer.Typer(help="API keys: writes need an editor key, key management an admin key.")
err = Console(stderr=True)


@contextmanager
def _session() -> Iterator[Session]:
    engine = make_engine(get_settings().database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    except ProvenanceError as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


@keys_cli.command("create")
def create(
    name: Annotated[str, typer.Argument(help="Whose key: a person or a script")],
    role: Annotated[Role, typer.Option(help="reader, editor (writes) or admin (keys)")] = (
        Role.EDITOR
    ),
) -> None:
    """Create a key and print its secret: it is shown only this once."""
    with _session() as session:
        row, secret = keys.create_key(session, keys.check_name(name), role)
        shown = KeyOut.model_validate(row)
    err.print(f"created {shown.role} key {shown.id} ({shown.prefix}…) for {shown.name!r}:")
    typer.echo(secret)
    err.print("Send it as `Authorization: Bearer <key>`; it cannot be shown again.")


@keys_cli.command("list")
def list_(
    include_revoked: Annotated[bool, typer.Option("--all", help="Also revoked keys")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The keys, without their secrets."""
    with _session() as session:
        rows = [
            KeyOut.model_validate(k)
            for k in keys.list_keys(session, include_revoked=include_revoked)
        ]
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table("id", "name", "role", "prefix", "created", "last used", "revoked")
    for r in rows:
        table.add_row(
            str(r.id), r.name, r.role, r.prefix, f"{r.created_at:%Y-%m-%d %H:%M}",
            f"{r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "",
            f"{r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "",
        )  # fmt: skip
    Console().print(table)


@keys_cli.command("revoke")
def revoke(ref: Annotated[str, typer.Argument(help="The key's id or prefix")]) -> None:
    """Revoke a key: it stops working at once."""
    with _session() as session:
        row = keys.revoke_key(session, ref)
        name = row.name
    err.print(f"revoked key {ref} ({name!r})")


def admin_hint() -> str | None:
    """What to run for a first admin key, when the database has none (and nothing when
    the database cannot tell yet: serving must not depend on a hint)."""
    try:
        with _session() as session:
            if keys.active_admins(session):
                return None
    except SQLAlchemyError:
        return None
    return (
        "No admin API key yet. Writes need a key: create one with\n"
        "  .venv/bin/provenance keys create admin --role admin\n"
        "and send it as `Authorization: Bearer <key>`."
    )
