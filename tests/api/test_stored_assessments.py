"""Stored assessments are never stale: after any sequence of writes, through the API or
straight into the database, every claim's assessment and the conflicts list the API
serves equal what a computation from the rows gives at that moment.

The writes come from the revision-replay state machine (tests/api/test_history_replay.py)
plus writes that move what an assessment reads: values, sources, stances, publication
dates, a document's outlet, the original a copy points to, and a raw SQL UPDATE that no
API code sees. Reads come at random too, so the stores are warm when the writes land.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db.models import Assertion, Claim, ClaimAssessment, StaleClaim
from app.domain.vocabulary import Role
from app.services import assessment_store as store
from app.services import claim_state, exports
from tests import builders
from tests.api.test_history_replay import RandomWrites, _ref, run_random_writes
from tests.apps import served


def fresh_assessments(engine: Engine) -> dict[int, Any]:
    """Every live claim's assessment computed now from the rows, stores bypassed."""
    with Session(engine) as session:
        ids = list(session.scalars(sa.select(Claim.id).where(Claim.deleted_at.is_(None))))
        return {c.claim_id: json.loads(c.json(10_000)) for c in store.compute(session, ids)}


def fresh_conflicts(assessments: dict[int, Any]) -> list[Any]:
    found = [c for a in assessments.values() for c in a["conflicts"]]
    found.sort(key=lambda c: (-c["severity"], c["claim"]["id"], c["a"]["assertion"],
                              c["b"]["assertion"]))  # fmt: skip
    return found


class StoredAssessmentsStayTrue(RandomWrites):
    def revisions_rebuild_every_row(self) -> None:  # not an invariant here: raw SQL below
        """Checked by test_history_replay.py; a raw UPDATE leaves no revision."""

    @rule(ref=RandomWrites.assertions, wording=st.sampled_from(["1,000", "50", "about 3,000"]))
    def patch_value(self, ref: str, wording: str) -> None:
        self._write("PATCH", ref, 200, json={"value": {"text": wording}})

    @rule(ref=RandomWrites.assertions, stance=st.sampled_from(["asserts", "denies"]))
    def patch_stance(self, ref: str, stance: str) -> None:
        self._write("PATCH", ref, 200, json={"stance": stance})

    @rule(ref=RandomWrites.assertions, source=RandomWrites.sources)
    def patch_source_of(self, ref: str, source: str) -> None:
        self._write("PATCH", ref, 200, json={"attribution": {"source": _ref(source)}})

    @rule(ref=RandomWrites.sources, name=st.sampled_from(["NIS", "GUR"]))
    def rename_source(self, ref: str, name: str) -> None:
        self._write("PATCH", ref, 200, json={"name": name})

    @rule(
        ref=RandomWrites.documents,
        published=st.sampled_from(["2024-11-01", "2025-03-05", None]),
    )
    def patch_published(self, ref: str, published: str | None) -> None:
        self._write("PATCH", ref, 200, json={"published_at": published})

    @rule(ref=RandomWrites.documents, outlet=RandomWrites.outlets)
    def move_document(self, ref: str, outlet: str) -> None:
        self._write("PATCH", ref, 200, json={"outlet": _ref(outlet)})

    @rule(copy=RandomWrites.documents, original=RandomWrites.documents)
    def point_copy(self, copy: str, original: str) -> None:
        if copy != original:
            self._write("PATCH", copy, 200, json={"duplicate_of": _ref(original)})

    @rule(factor=st.sampled_from([2.0, 0.5]))
    def raw_sql_update(self, factor: float) -> None:
        """A write no API code sees: only the triggers can tell the stores."""
        with self.engine.begin() as conn:
            first = conn.scalar(sa.select(sa.func.min(Assertion.id)))
            conn.execute(
                sa.update(Assertion)
                .where(Assertion.id == first, Assertion.low.is_not(None))
                .values(low=Assertion.low * factor, high=Assertion.high * factor)
            )

    @rule(claim=RandomWrites.claims)
    def read_assessment(self, claim: str) -> None:
        response = self.api.request("GET", f"{claim}/assessment")
        assert response.status_code in {200, 404, 410}, response.text

    @rule()
    def read_conflicts(self) -> None:
        assert self.api.request("GET", "/conflicts").status_code == 200

    @invariant()
    def stored_equal_fresh(self) -> None:
        expected = fresh_assessments(self.engine)
        for claim_id, assessment in expected.items():
            response = self.api.request("GET", f"/claims/{claim_id}/assessment?conflict_limit=1000")
            assert response.status_code == 200, response.text
            assert response.json() == assessment, f"claim {claim_id}"
        served: list[Any] = []
        path: str | None = "/conflicts?limit=7"  # small pages: the cursor is exercised
        while path:
            page = self.api.request("GET", path).json()
            served += page["items"]
            path = page["next"]
        assert served == fresh_conflicts(expected)
        # The export: claim by claim, in batches of 3 (the keyset between batches).
        exported = exports.conflicts(sessionmaker(self.engine), batch=3)
        by_claim = sorted(served, key=lambda c: c["claim"]["id"])  # stable: severity order kept
        assert [c.model_dump(mode="json") for c in exported] == by_claim
        with Session(self.engine) as session:  # and the reads left nothing stale behind
            assert store.stale_count(session) == 0


@pytest.mark.parametrize("in_memory", [False, True], ids=["stored", "in-memory"])
def test_stored_assessments_equal_fresh_ones_after_any_writes(
    engine: Engine,
    settings: Settings,
    api_keys: dict[Role, str],
    in_memory: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``in_memory``, every claim's state is held by the server and patched from
    the marked assertions (app/services/claim_state.py) rather than computed in full,
    its timeline's JSON kept in blocks of two entries (so that the blocks a write
    touches, and those cut anew as a claim grows, are those a small claim has)."""
    if in_memory:
        settings = settings.model_copy(update={"assessment_memory_from": 1})
        monkeypatch.setattr(claim_state, "_BLOCK", 2)
    run_random_writes(StoredAssessmentsStayTrue, engine, settings, api_keys, examples=15)


def _marks(engine: Engine, claim_id: int) -> list[int]:
    with Session(engine) as session:
        stmt = sa.select(StaleClaim.id).where(StaleClaim.claim_id == claim_id)
        return sorted(session.scalars(stmt))


def _adder(
    client: httpx.AsyncClient, claim: dict[str, Any], document: dict[str, Any]
) -> Callable[[str], Awaitable[None]]:
    """Adds an assertion of `wording` by `document` to `claim`."""

    async def add(wording: str) -> None:
        body = {"claim": claim["slug"], "document": document["key"], "value": {"text": wording}}
        await builders.create(client, "/assertions", body)

    return add


@pytest.mark.anyio
async def test_a_write_racing_a_computation_keeps_the_claim_stale(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """The computation reads the claim's marks, a write lands before it stores: the result
    is not stored over the write, and the next read sees the write."""
    claim = await builders.claim(client)
    document = await builders.document(client)

    add = _adder(client, claim, document)
    await add("1,000")
    await add("5,000")
    with Session(engine) as session:
        marks = store.read_marks(session, [claim["id"]])
        assert marks
        (computed,) = store.compute(session, [claim["id"]])
    await add("9,000")
    before = _marks(engine, claim["id"])
    assert len(before) == len(marks[claim["id"]].ids) + 1
    assert store.store(engine, [computed], marks) == 0
    assert _marks(engine, claim["id"]) == before  # none deleted: the write stays marked
    served = (await client.get(f"/claims/{claim['id']}/assessment")).json()
    assert len(served["timeline"]) == 3
    assert _marks(engine, claim["id"]) == []  # stored by that read
    with Session(engine) as session:
        assert session.get(ClaimAssessment, claim["id"]) is not None
    assert (await client.get(f"/claims/{claim['id']}/assessment")).json() == served


@pytest.mark.anyio
async def test_moving_an_original_reaches_claims_quoting_copies_of_copies(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """A copy's assertions speak with the voice of the original's outlet, however long the
    chain: a change to the original reaches them (through ``stale_documents``)."""
    claim = await builders.claim(client)
    original, middle, last = [await builders.document(client) for _ in range(3)]
    for copy, of in ((middle, original), (last, middle)):
        response = await client.patch(f"/documents/{copy['key']}", json={"duplicate_of": of["key"]})
        assert response.status_code == 200, response.text
    other = await builders.document(client)
    for document, wording in ((last, "1,000"), (other, "5,000")):
        body = {"claim": claim["slug"], "document": document["key"], "value": {"text": wording}}
        await builders.create(client, "/assertions", body)
    path = f"/claims/{claim['id']}/assessment"
    before = (await client.get(path)).json()
    elsewhere = await builders.outlet(client)
    moved = await client.patch(f"/documents/{original['key']}", json={"outlet": elsewhere["slug"]})
    assert moved.status_code == 200, moved.text
    after = (await client.get(path)).json()
    voices = {entry["voice"] for entry in after["timeline"]}
    assert f"outlet {original['outlet']['id']} (syndicated original)" in {
        entry["voice"] for entry in before["timeline"]
    }
    assert f"outlet {elsewhere['id']} (syndicated original)" in voices
    assert after == fresh_assessments(engine)[claim["id"]] | {"conflicts": after["conflicts"]}


def test_worker_processes_store_what_one_process_computes(seeded, engine, monkeypatch) -> None:
    """`provenance assess --jobs N`: batches computed in worker processes, stored by them."""
    with Session(engine) as session:
        ids = list(session.scalars(sa.select(Claim.id)))
        expected = {c.claim_id: c.body.decode() for c in store.compute(session, ids)}
        assert store.stale_count(session) == len(ids)
    monkeypatch.setattr(store, "BATCH", 5)  # several batches over the two workers
    assert store.refresh(engine, jobs=2) == len(ids)
    with Session(engine) as session:
        assert store.stale_count(session) == 0
        rows = session.execute(sa.select(ClaimAssessment.claim_id, ClaimAssessment.body))
        stored = {claim_id: body for claim_id, body in rows}
    assert stored == expected


@pytest.mark.anyio
async def test_a_cursor_the_conflicts_list_did_not_give_is_refused(
    client: httpx.AsyncClient,
) -> None:
    other_list = (await client.get("/outlets?limit=1")).json()["next_cursor"] or "eyJhZnRlciI6MX0"
    shapes = [b"[1,2,3]", b'[-0.5,1,2,"x"]', b"[0.5,1,2,3]", b"[true,1,2,3]", b"{}"]
    forged = [base64.urlsafe_b64encode(s).decode().rstrip("=") for s in shapes]
    for cursor in ["not base64 at all!", other_list, *forged]:
        response = await client.get("/conflicts", params={"cursor": cursor})
        assert response.status_code in {400, 422}, (cursor, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "cursor" in response.text


@pytest.fixture
async def held_client(
    db: sessionmaker[Session], settings: Settings, api_keys: dict[Role, str]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app holding every claim's state in memory (``assessment_memory_from`` 1)."""
    async with served(settings, key=api_keys[Role.EDITOR], assessment_memory_from=1) as c:
        yield c


@pytest.mark.anyio
async def test_a_write_to_a_held_claim_reloads_only_the_changed_assertions(
    held_client: httpx.AsyncClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a claim is held, a read after a write to one of its assertions loads that
    row alone, and answers what a computation from all the rows gives."""
    client = held_client
    claim = await builders.claim(client)
    documents = [await builders.document(client) for _ in range(3)]
    made = []
    for i, wording in enumerate(["1,000", "1,100", "5,000", "about 1,050"]):
        body = {"claim": claim["slug"], "document": documents[i % 3]["key"],
                "value": {"text": wording}}  # fmt: skip
        made.append(await builders.create(client, "/assertions", body))
    path = f"/claims/{claim['id']}/assessment?conflict_limit=1000"
    first = (await client.get(path)).json()
    assert first == fresh_assessments(engine)[claim["id"]]

    loaded: list[int] = []
    real = claim_state.live_assertion_rows_by_id
    full = store.live_assertion_rows

    def by_id(session: Session, ids: Any) -> Any:
        loaded.extend(ids)
        return real(session, ids)

    def refuse(*args: Any) -> Any:
        raise AssertionError("the held claim was loaded in full")

    monkeypatch.setattr(claim_state, "live_assertion_rows_by_id", by_id)
    monkeypatch.setattr(store, "live_assertion_rows", refuse)
    body = {"claim": claim["slug"], "document": documents[0]["key"], "value": {"text": "9,000"}}
    added = await builders.create(client, "/assertions", body)
    patched = await client.patch(f"/assertions/{made[0]['key']}", json={"stance": "denies"})
    assert patched.status_code == 200, patched.text
    deleted = await client.delete(f"/assertions/{made[1]['key']}")
    assert deleted.status_code in {200, 204}, deleted.text
    after = (await client.get(path)).json()
    assert sorted(loaded) == sorted([added["id"], made[0]["id"], made[1]["id"]])
    monkeypatch.setattr(store, "live_assertion_rows", full)
    assert after == fresh_assessments(engine)[claim["id"]]
    assert after != first
    assert (await client.get(path)).json() == after  # stored, served as such


@pytest.mark.anyio
async def test_a_claim_change_reloads_a_held_claim_in_full(
    held_client: httpx.AsyncClient, engine: Engine
) -> None:
    """A mark that names no assertion (here: the claim renamed) is not patched."""
    client = held_client
    claim = await builders.claim(client)
    document = await builders.document(client)
    body = {"claim": claim["slug"], "document": document["key"], "value": {"text": "1,000"}}
    await builders.create(client, "/assertions", body)
    path = f"/claims/{claim['id']}/assessment"
    await client.get(path)
    renamed = await client.patch(f"/claims/{claim['slug']}", json={"title": "Renamed"})
    assert renamed.status_code == 200, renamed.text
    served = (await client.get(path)).json()
    assert served["claim"]["title"] == "Renamed"
    assert served == fresh_assessments(engine)[claim["id"]] | {"conflicts": served["conflicts"]}


@pytest.mark.anyio
async def test_an_older_computation_never_overwrites_a_newer_one(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """Two computations of one claim, the first stored last: it is refused (its marks were
    deleted by the second, which read them), and the newer assessment stays."""
    claim = await builders.claim(client)
    document = await builders.document(client)
    for wording in ("1,000", "5,000"):
        body = {"claim": claim["slug"], "document": document["key"], "value": {"text": wording}}
        await builders.create(client, "/assertions", body)
    with Session(engine) as session:
        old_marks = store.read_marks(session, [claim["id"]])
        (old,) = store.compute(session, [claim["id"]])
    body = {"claim": claim["slug"], "document": document["key"], "value": {"text": "9,000"}}
    await builders.create(client, "/assertions", body)
    with Session(engine) as session:
        new_marks = store.read_marks(session, [claim["id"]])
        (new,) = store.compute(session, [claim["id"]])
    assert store.store(engine, [new], new_marks) == 1
    assert store.store(engine, [old], old_marks) == 0
    with Session(engine) as session:
        stored = session.get(ClaimAssessment, claim["id"])
        assert stored is not None
        assert stored.token == new.token
    served = (await client.get(f"/claims/{claim['id']}/assessment")).json()
    assert len(served["timeline"]) == 3


@pytest.mark.anyio
async def test_a_held_claim_sees_writes_after_its_stores_land_out_of_turn(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    """Two computations of a held claim before the first one's store lands (a server
    answers before it stores): the second is refused, the first stored, and a write after
    that is seen, although SQLite numbers its mark again from 1 (the table was emptied)."""
    claim = await builders.claim(client)
    document = await builders.document(client)

    add = _adder(client, claim, document)
    await add("1,000")
    await add("5,000")
    states = claim_state.ClaimStates(capacity=1_000, smallest=1)

    def computed() -> tuple[store.Computed, dict[int, store.Marks]]:
        with Session(engine) as session:
            marks = store.read_marks(session, [claim["id"]])
            (found,) = store.compute(session, [claim["id"]], marks=marks, states=states)
        return found, marks

    first, first_marks = computed()
    second, second_marks = computed()
    assert store.store(engine, [first], first_marks) == 1
    assert store.store(engine, [second], second_marks) == 0  # its marks were gone
    await add("9,000")
    third, third_marks = computed()
    if engine.dialect.name == "sqlite":  # the write's mark took an id read before
        assert [mark for mark, _ in third_marks[claim["id"]].pairs] == [1]
    with Session(engine) as session:
        (fresh,) = store.compute(session, [claim["id"]])
    assert third.body == fresh.body
    assert [e["wording"] for e in json.loads(third.body)["timeline"]][-1] == "9,000"
