"""Nothing is lost: after any sequence of writes through the API, replaying the revisions
from an empty database rebuilds every tracked row exactly, column by column.

A Hypothesis state machine creates, patches, deletes, restores, retracts and purges
outlets, sources, claims, documents and assertions at random, as an analyst's scripts
might, and after every step replays the whole revision table: each revision's ``before``
must be the row as the previous revision left it, and the last ``after`` must be the row
as stored (a purge removes it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import httpx
import hypothesis
import sqlalchemy as sa
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from app.config import Settings
from app.db.models import TRACKED_MODELS, ApiKey, Assertion, Base, Claim, Revision, Tracked
from app.domain.vocabulary import RevisionAction, Role
from app.main import create_app
from app.services.revisions import snapshot
from tests.builders import ARTICLE, own_article, unique

# Outcomes a random write may meet besides success: a deleted (410) or purged (404) row,
# a rule that refuses (409: still referenced, not deleted; 422: already retracted).
REFUSALS = {404, 409, 410, 422}
SHARED_TEXT = own_article()  # documents holding it are near-duplicates of each other


class BlockingClient:
    """The app over httpx's ASGI transport, driven from the state machine's plain calls."""

    def __init__(self, portal: BlockingPortal, client: httpx.AsyncClient) -> None:
        self.portal = portal
        self.client = client

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(partial(self.client.request, method, path, **kwargs))


@contextmanager
def blocking_client(settings: Settings, headers: dict[str, str]) -> Iterator[BlockingClient]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)
    with start_blocking_portal() as portal:
        try:
            yield BlockingClient(portal, client)
        finally:
            portal.call(client.aclose)
            app.state.engine.dispose()


def empty_all_but_keys(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table is not ApiKey.__table__:
                conn.execute(table.delete())


def _ref(path: str) -> str:
    """/outlets/outlet-3 -> outlet-3: how a body names a row."""
    return path.rsplit("/", 1)[1]


def _json(value: Any) -> Any:
    """What a snapshot looks like once stored as JSON, so the two compare as equals."""
    return json.loads(json.dumps(value, default=str))


def replayed_rows(session: Session) -> dict[tuple[str, int], Any]:
    """Every row as the revisions, applied in order from nothing, say it is now."""
    rows: dict[tuple[str, int], Any] = {}
    for revision in session.scalars(sa.select(Revision).order_by(Revision.id)):
        key = (revision.entity_type, revision.entity_id)
        if revision.action is RevisionAction.CREATE:
            assert key not in rows, f"revision {revision.id} creates {key} twice"
        else:
            assert rows.get(key) == revision.before, (
                f"revision {revision.id} ({revision.action}) of {key} does not start where "
                "the previous one ended"
            )
        if revision.action is RevisionAction.PURGE:
            del rows[key]
        else:
            rows[key] = revision.after
    return rows


def differences(
    replayed: dict[tuple[str, int], Any], stored: dict[tuple[str, int], Any]
) -> list[str]:
    """Each row, and each column of a row, where the two disagree."""
    found = [f"{key}: only replayed" for key in replayed.keys() - stored.keys()]
    found += [f"{key}: only stored" for key in stored.keys() - replayed.keys()]
    for key in replayed.keys() & stored.keys():
        for column in replayed[key].keys() | stored[key].keys():
            was, now = replayed[key].get(column), stored[key].get(column)
            if was != now:
                found.append(f"{key}.{column}: replayed {was!r}, stored {now!r}")
    return sorted(found)


def stored_rows(session: Session) -> dict[tuple[str, int], Any]:
    owned: dict[type[Tracked], Any] = {
        Claim: selectinload(Claim.tags),
        Assertion: selectinload(Assertion.intermediaries),
    }
    rows: dict[tuple[str, int], Any] = {}
    for label, model in TRACKED_MODELS.items():
        stmt = sa.select(model)
        if model in owned:
            stmt = stmt.options(owned[model])
        for row in session.scalars(stmt):
            rows[(label, row.id)] = _json(snapshot(row))
    return rows


class RandomWrites(RuleBasedStateMachine):
    """Bound to a live app and its database by ``test_replaying_revisions_...`` below."""

    api: BlockingClient
    engine: Engine
    admin: dict[str, str]

    outlets = Bundle("outlets")
    sources = Bundle("sources")
    claims = Bundle("claims")
    documents = Bundle("documents")
    assertions = Bundle("assertions")
    rows = Bundle("rows")  # every row made, of any kind
    deleted = Bundle("deleted")  # rows once deleted: the ones restore and purge are for

    def __init__(self) -> None:
        super().__init__()
        empty_all_but_keys(self.engine)  # each run starts from nothing, as replay does

    def _write(self, method: str, path: str, ok: int, **kwargs: Any) -> Any:
        response = self.api.request(method, path, **kwargs)
        assert response.status_code in {ok} | REFUSALS, (method, path, response.text)
        return response

    def _create(self, path: str, key: str, body: dict[str, Any]) -> Any:
        """The new row's path, e.g. /outlets/outlet-3: the bundles hold paths."""
        response = self._write("POST", path, 201, json=body)
        return f"{path}/{response.json()[key]}" if response.status_code == 201 else multiple()

    # One row of each kind to start from, so that every rule has something to work on.
    @initialize(targets=(outlets, rows))
    def first_outlet(self) -> Any:
        return self.create_outlet()

    @initialize(targets=(sources, rows))
    def first_source(self) -> Any:
        return self.create_source()

    @initialize(targets=(claims, rows))
    def first_claim(self) -> Any:
        return self.create_claim(["kursk"])

    @initialize(targets=(documents, rows))
    def first_document(self) -> Any:
        return self.create_document(self.create_outlet(), copy=True, published=None)

    @initialize(targets=(assertions, rows))
    def first_assertion(self) -> Any:
        document = self.create_document(self.create_outlet(), copy=False, published=None)
        return self.create_assertion(self.create_claim([]), document, None, [], "some 1,000")

    @rule(targets=(outlets, rows))
    def create_outlet(self) -> Any:
        body = {"slug": unique("outlet"), "name": "Test Wire", "kind": "wire", "country": "FR"}
        return self._create("/outlets", "slug", body)

    @rule(targets=(sources, rows))
    def create_source(self) -> Any:
        return self._create("/sources", "slug", {"slug": unique("source"), "name": "NIS",
                                                 "kind": "agency"})  # fmt: skip

    @rule(targets=(claims, rows), tags=st.lists(st.sampled_from(["kursk", "sappers", "troops"])))
    def create_claim(self, tags: list[str]) -> Any:
        body = {"slug": unique("claim"), "title": "Sappers sent", "unit": "people",
                "value_type": "quantity", "behavior": "cumulative", "tags": tags}  # fmt: skip
        return self._create("/claims", "slug", body)

    @rule(
        targets=(documents, rows),
        outlet=outlets,
        copy=st.booleans(),
        published=st.sampled_from([None, "2024-12-05", "2024-12-05T09:30:00+09:00"]),
    )
    def create_document(self, outlet: str, copy: bool, published: str | None) -> Any:
        body = {"outlet": _ref(outlet), "raw_text": SHARED_TEXT if copy else own_article(),
                "title": "Sappers for Kursk", "published_at": published}  # fmt: skip
        return self._create("/documents", "key", body)

    @rule(
        targets=(assertions, rows),
        claim=claims,
        document=documents,
        source=st.none() | sources,
        via=st.lists(sources, max_size=2),
        wording=st.sampled_from(["1,000", "some 1,000", "thousands"]),
    )
    def create_assertion(
        self, claim: str, document: str, source: str | None, via: list[str], wording: str
    ) -> Any:
        attribution = {"source": source and _ref(source), "via": [_ref(v) for v in via]}
        body = {"claim": _ref(claim), "document": _ref(document), "value": {"text": wording},
                "quote": {"exact": "1,000 sappers"}, "attribution": attribution}  # fmt: skip
        return self._create("/assertions", "key", body)

    @rule(ref=outlets, name=st.sampled_from(["Yonhap", "TASS"]))
    def patch_outlet(self, ref: str, name: str) -> None:
        self._write("PATCH", ref, 200, json={"name": name})

    @rule(ref=sources, notes=st.sampled_from([None, "checked", "unverified"]))
    def patch_source(self, ref: str, notes: str | None) -> None:
        self._write("PATCH", ref, 200, json={"notes": notes})

    @rule(
        ref=claims,
        tolerance=st.sampled_from([0.05, 0.1, 0.2]),
        tags=st.lists(st.sampled_from(["kursk", "mines", "troops"])),
    )
    def patch_claim(self, ref: str, tolerance: float, tags: list[str]) -> None:
        # A new tolerance reads again the values given as wording ("some 1,000").
        self._write("PATCH", ref, 200, json={"tolerance": tolerance, "tags": tags})

    @rule(ref=documents, title=st.sampled_from(["Sappers", "Deminers"]))
    def patch_document(self, ref: str, title: str) -> None:
        self._write("PATCH", ref, 200, json={"title": title})

    @rule(ref=assertions, hedge=st.sampled_from([None, "reportedly"]), via=st.lists(sources))
    def patch_assertion(self, ref: str, hedge: str | None, via: list[str]) -> None:
        body = {"hedge": hedge, "attribution": {"source": None, "via": [_ref(v) for v in via[:2]]}}
        self._write("PATCH", ref, 200, json=body)

    @rule(ref=assertions)
    def retract(self, ref: str) -> None:
        self._write("POST", f"{ref}/retract", 200, json={"reason": "withdrawn"})

    @rule(target=deleted, path=rows)
    def delete(self, path: str) -> Any:
        response = self._write("DELETE", path, 204)
        return path if response.status_code == 204 else multiple()

    @rule(path=deleted)
    def restore(self, path: str) -> None:
        self._write("POST", f"{path}/restore", 200)

    @rule(path=deleted)
    def purge(self, path: str) -> None:
        self._write("DELETE", f"{path}/purge", 204, headers=self.admin)

    @invariant()
    def revisions_rebuild_every_row(self) -> None:
        with Session(self.engine) as session:
            assert differences(replayed_rows(session), stored_rows(session)) == []


def run_random_writes(
    machine: type[RandomWrites],
    engine: Engine,
    settings: Settings,
    api_keys: dict[Role, str],
    *,
    examples: int,
) -> None:
    """Run ``machine`` (RandomWrites or a subclass) against a live app on ``engine``."""
    editor = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
    with blocking_client(settings, editor) as api:
        bound = type(
            f"{machine.__name__}Here",
            (machine,),
            {"api": api, "engine": engine,
             "admin": {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}},
        )  # fmt: skip
        hypothesis.stateful.run_state_machine_as_test(
            bound,
            settings=hypothesis.settings(
                max_examples=examples, stateful_step_count=15, deadline=None, database=None
            ),
        )


def test_replaying_revisions_rebuilds_every_row(
    engine: Engine, settings: Settings, api_keys: dict[Role, str]
) -> None:
    assert "1,000 sappers" in ARTICLE  # the quote every assertion anchors
    run_random_writes(RandomWrites, engine, settings, api_keys, examples=20)


def test_a_revision_keeps_a_time_as_stored_in_utc(
    db: Any, settings: Settings, api_keys: dict[Role, str]
) -> None:
    editor = {"Authorization": f"Bearer {api_keys[Role.EDITOR]}"}
    with blocking_client(settings, editor) as api:
        outlet = api.request("POST", "/outlets", json={"slug": "w", "name": "W", "kind": "wire"})
        body = {"outlet": outlet.json()["slug"], "raw_text": own_article(),
                "published_at": "2024-12-05T09:30:00+09:00"}  # fmt: skip
        document = api.request("POST", "/documents", json=body).json()
        history = api.request("GET", f"/documents/{document['id']}/history").json()["items"]
    assert history[0]["after"]["published_at"] == "2024-12-05T00:30:00+00:00"
