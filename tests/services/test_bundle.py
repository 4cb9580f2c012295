"""The bundle: idempotent upserts, all-or-nothing imports, lossless round trips."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from app.db.engine import transaction
from app.db.models import Assertion, Outlet, Revision
from app.domain.errors import BundleError
from app.services import bundle
from tests.conftest import SEED_BUNDLE, _empty

OUTLET = {"type": "outlet", "slug": "afp", "name": "Agence France-Presse", "kind": "wire"}


def _export(factory) -> str:
    out = io.StringIO()
    with transaction(factory) as session:
        bundle.export(session, out)
    return out.getvalue()


def _import(factory, lines, base=None):
    with transaction(factory) as session:
        return bundle.import_lines(session, lines, "test", base=base)


def _count(factory, model) -> int:
    with transaction(factory) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_export_then_import_into_an_empty_database_gives_the_same_data(seeded, engine):
    exported = _export(seeded)
    _empty(engine)
    report = _import(seeded, exported.splitlines())
    assert report.created["assertion"] == exported.count('"type":"assertion"')
    assert _export(seeded) == exported


def test_exported_lines_are_typed_records_in_dependency_order(seeded):
    types = [json.loads(line)["type"] for line in _export(seeded).splitlines()]
    assert types == sorted(types, key=bundle.TYPES.index)
    assert set(types) == set(bundle.TYPES)


def test_a_bad_line_stores_nothing_and_names_the_line(db):
    lines = [json.dumps(OUTLET), json.dumps({"type": "claim", "slug": "c", "title": "t"})]
    with pytest.raises(BundleError) as caught:
        _import(db, lines)
    assert caught.value.line == 2
    assert "unit" in caught.value.detail
    assert _count(db, Outlet) == 0
    assert _count(db, Revision) == 0


def test_a_reference_to_a_missing_record_fails_the_whole_import(db):
    document = {"type": "document", "key": "d1", "outlet": "nowhere", "raw_text": "x"}
    with pytest.raises(BundleError) as caught:
        _import(db, [json.dumps(OUTLET), "", "// comment", json.dumps(document)])
    assert caught.value.line == 4
    assert _count(db, Outlet) == 0


def test_reimport_updates_changed_records_and_leaves_the_rest(db):
    _import(db, [json.dumps(OUTLET)])
    report = _import(db, [json.dumps(OUTLET | {"name": "AFP"})])
    assert report.updated["outlet"] == 1
    report = _import(db, [json.dumps(OUTLET | {"name": "AFP"})])
    assert report.unchanged["outlet"] == 1
    with transaction(db) as session:
        actions = session.scalars(sa.select(Revision.action).order_by(Revision.id)).all()
    assert [a.value for a in actions] == ["create", "update"]


def test_a_capture_is_not_replaced_by_a_different_text(db):
    document = {"type": "document", "key": "d1", "outlet": "afp", "raw_text": "first capture"}
    _import(db, [json.dumps(OUTLET), json.dumps(document)])
    with pytest.raises(BundleError, match="other raw text"):
        _import(db, [json.dumps(document | {"raw_text": "edited capture"})])


def test_raw_text_file_may_not_leave_the_bundle_folder(db, tmp_path):
    (tmp_path / "inside.txt").write_text("inside", encoding="utf-8")
    ok = {"type": "document", "key": "d1", "outlet": "afp", "raw_text_file": "inside.txt"}
    _import(db, [json.dumps(OUTLET), json.dumps(ok)], base=tmp_path)
    escape = ok | {"key": "d2", "raw_text_file": "../../etc/passwd"}
    with pytest.raises(BundleError, match="leaves the bundle"):
        _import(db, [json.dumps(escape)], base=tmp_path)


def test_seed_bundle_assertions_keep_their_creator(seeded):
    with transaction(seeded) as session:
        creators = set(session.scalars(sa.select(Assertion.created_by)))
    assert creators == {"analyst:seed"}
    assert SEED_BUNDLE.exists()
