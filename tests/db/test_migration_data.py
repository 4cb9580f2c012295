"""Migrations that touch stored rows keep what they must, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from pytest_alembic import MigrationContext
from sqlalchemy.engine import Engine

BODY_LAST = "daf8cf4f8dfd"  # claim_assessment_body_stored_last


def test_rebuilding_the_assessment_cache_leaves_its_claims_stale(
    alembic_runner: MigrationContext, alembic_engine: Engine
) -> None:
    """SQLite's table of stored assessments is created again, empty: each claim it held
    is marked stale (computed again on its next read), none is left looking fresh."""
    alembic_runner.migrate_up_before(BODY_LAST)
    with alembic_engine.begin() as conn:
        claim = conn.execute(
            sa.text(
                "INSERT INTO claims (slug, title, unit, value_type, behavior, tolerance, aliases,"
                " vague_terms, created_at, updated_at, version) VALUES ('troops', 'Troops',"
                " 'person', 'quantity', 'fixed', 0.1, '[]', '{}', CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP, 1) RETURNING id"
            )
        ).scalar_one()
        conn.execute(sa.text("DELETE FROM stale_claims"))  # as if assessed and stored
        conn.execute(
            sa.text(
                "INSERT INTO claim_assessments (claim_id, body, rules, conflict_count,"
                " computed_at, token) VALUES (:c, '{}', 'r', 1, CURRENT_TIMESTAMP, 't')"
            ),
            {"c": claim},
        )
        conn.execute(
            sa.text(
                "INSERT INTO claim_conflicts (claim_id, rank, sort_key, severity, a_id, b_id,"
                " outlet_a, outlet_b, body) VALUES (:c, 0, -0.5, 0.5, 1, 2, 1, 1, '{}')"
            ),
            {"c": claim},
        )
    alembic_runner.migrate_up_one()
    with alembic_engine.connect() as conn:
        stale = conn.scalars(sa.text("SELECT claim_id FROM stale_claims")).all()
        stored = conn.scalars(sa.text("SELECT claim_id FROM claim_assessments")).all()
        conflicts = conn.scalar(sa.text("SELECT count(*) FROM claim_conflicts"))
    if alembic_engine.dialect.name == "sqlite":
        assert (stale, stored, conflicts) == ([claim], [], 0)
        columns = [c["name"] for c in sa.inspect(alembic_engine).get_columns("claim_assessments")]
        assert columns[-1] == "body"
    else:  # PostgreSQL keeps long values apart: nothing to rebuild
        assert (stale, stored, conflicts) == ([], [claim], 1)
    alembic_runner.migrate_down_one()
    alembic_runner.migrate_up_one()
