"""pytest-alembic's standard checks, on SQLite and on PostgreSQL (see tests/db/conftest.py).

- ``test_single_head_revision``: the history has one head (no unmerged branches);
- ``test_upgrade``: base -> head runs on an empty database;
- ``test_up_down_consistency``: every revision upgrades one step at a time and every
  downgrade runs, back to base;
- ``test_model_definitions_match_ddl``: autogenerate at head finds nothing to do, so the
  models and the migrations describe the same schema.

They are imported, not enabled with ``--test-alembic``: doing both would run them twice.
"""

from __future__ import annotations

from pytest_alembic.tests import (
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)

__all__ = [
    "test_model_definitions_match_ddl",
    "test_single_head_revision",
    "test_up_down_consistency",
    "test_upgrade",
]
