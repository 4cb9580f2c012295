"""Write app/api/examples.json: the OpenAPI examples, from the seeds.

    .venv/bin/python -m tests.api.make_examples

Request bodies are the seed bundle's own records (the nk-sappers-sent-to-kursk claim, the
seed-000 document, outlet sputnik, source tass, assertion seed-000-sappers) in the shape
each operation takes; responses are what the API answers on a database holding the seeds.
Every example is validated against its route's model before it is written.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from app.api.examples import EXAMPLES_FILE, api_routes, operation_key
from app.config import REPO_ROOT, Settings
from app.db import migrate
from app.db.engine import transaction
from app.domain.vocabulary import Role
from app.main import create_app
from app.services import bundle, keys

SEEDS = REPO_ROOT / "seeds"
CLAIM, DOCUMENT, OUTLET, SOURCE = "nk-sappers-sent-to-kursk", "seed-000", "sputnik", "tass"
ASSERTION, CONFLICTED = "seed-000-sappers", "nk-troops-deployed-to-russia"
SERVER_OWNED = {"type", "created_by", "creator_kind", "status", "raw_text_file"}

# Response examples of reads: the URL whose answer (shaped by the route's model) it is.
READS = {
    "GET /claims/{ref}/assessment": f"/claims/{CONFLICTED}/assessment",
    "GET /conflicts": "/conflicts?limit=1",
    "GET /outlets/{ref}/record": f"/outlets/{OUTLET}/record",
    "GET /claims": "/claims?limit=1",
    "POST /claims": f"/claims/{CLAIM}",
    "GET /claims/{ref}": f"/claims/{CLAIM}",
    "PATCH /claims/{ref}": f"/claims/{CLAIM}",
    "POST /claims/{ref}/restore": f"/claims/{CLAIM}",
    "GET /claims/{ref}/history": f"/claims/{CLAIM}/history?limit=1",
    "GET /assertions": f"/assertions?claim={CLAIM}&limit=1",
    "POST /assertions": f"/assertions/{ASSERTION}",
    "GET /assertions/{ref}": f"/assertions/{ASSERTION}",
    "PATCH /assertions/{ref}": f"/assertions/{ASSERTION}",
    "POST /assertions/{ref}/restore": f"/assertions/{ASSERTION}",
    "GET /assertions/{ref}/history": f"/assertions/{ASSERTION}/history?limit=1",
    "GET /documents": "/documents?limit=1",
    "POST /documents": f"/documents/{DOCUMENT}",
    "GET /documents/{ref}": f"/documents/{DOCUMENT}",
    "PATCH /documents/{ref}": f"/documents/{DOCUMENT}",
    "POST /documents/{ref}/restore": f"/documents/{DOCUMENT}",
    "GET /documents/{ref}/history": f"/documents/{DOCUMENT}/history?limit=1",
    "GET /outlets": "/outlets?limit=1",
    "POST /outlets": f"/outlets/{OUTLET}",
    "GET /outlets/{ref}": f"/outlets/{OUTLET}",
    "PATCH /outlets/{ref}": f"/outlets/{OUTLET}",
    "POST /outlets/{ref}/restore": f"/outlets/{OUTLET}",
    "GET /outlets/{ref}/history": f"/outlets/{OUTLET}/history?limit=1",
    "GET /sources": "/sources?limit=1",
    "POST /sources": f"/sources/{SOURCE}",
    "GET /sources/{ref}": f"/sources/{SOURCE}",
    "PATCH /sources/{ref}": f"/sources/{SOURCE}",
    "POST /sources/{ref}/restore": f"/sources/{SOURCE}",
    "GET /sources/{ref}/history": f"/sources/{SOURCE}/history?limit=1",
    "GET /health": "/health",
    "GET /ping": "/ping",
    "GET /ready": "/ready",
}
PATCHES = {
    "PATCH /claims/{ref}": {"aliases": ["deminers", "mine-clearing engineers", "demining troops"]},
    "PATCH /assertions/{ref}": {"hedge": None, "notes": "Sputnik's own voice, no attribution."},
    "PATCH /documents/{ref}": {"language": "en", "published_precision": "minute"},
    "PATCH /outlets/{ref}": {"country": "RU", "kind": "state_media"},
    "PATCH /sources/{ref}": {"affiliation": "RU", "kind": "agency"},
}


def _records() -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for line in (SEEDS / "bundle.ndjson").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("//"):
            record = json.loads(line)
            found[(record["type"], record.get("slug") or record.get("key"))] = record
    return found


def _body(record: dict[str, Any]) -> dict[str, Any]:
    body = {k: v for k, v in record.items() if k not in SERVER_OWNED}
    if "raw_text_file" in record:
        body["raw_text"] = (SEEDS / record["raw_text_file"]).read_text(encoding="utf-8")
    return body


def requests() -> dict[str, tuple[str, Any]]:
    r = _records()
    return {
        "POST /claims": (f"The {CLAIM} claim of the seeds", _body(r[("claim", CLAIM)])),
        "POST /documents": (f"Seed document {DOCUMENT}", _body(r[("document", DOCUMENT)])),
        "POST /outlets": (f"Outlet {OUTLET}", _body(r[("outlet", OUTLET)])),
        "POST /sources": (f"Source {SOURCE}", _body(r[("source", SOURCE)])),
        "POST /assertions": (f"Assertion {ASSERTION}", _body(r[("assertion", ASSERTION)])),
        "POST /assertions/{ref}/retract": (
            "Retract with the reason",
            {"reason": "Sputnik corrected the figure in a later edition."},
        ),
        "POST /documents/{ref}/extract": (
            "Accept every candidate, creating claims for those with no match",
            {"accept": "all", "create_claims": True},
        ),
        "POST /keys": (
            "A key for a nightly audit script",
            {"name": "nightly-audit", "role": "reader"},
        ),
        **{key: ("Change a few fields; the rest stay", body) for key, body in PATCHES.items()},
    }


def build() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'examples.db'}"
        migrate.upgrade(url)
        app = create_app(Settings(database_url=url, seeds_dir=SEEDS))
        with transaction(app.state.session_factory) as session:
            bundle.import_file(session, SEEDS / "bundle.ndjson", "analyst:seed")
            _, secret = keys.create_key(session, "examples", Role.ADMIN)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient
        client = TestClient(app, headers={"Authorization": f"Bearer {secret}"})
        routes = {operation_key(r, m): r for r in api_routes(app.routes) for m in r.methods}
        answers = {key: client.get(path) for key, path in READS.items()}
        answers["POST /documents/{ref}/extract"] = client.post(f"/documents/{DOCUMENT}/extract")
        answers["POST /assertions/{ref}/retract"] = client.post(
            f"/assertions/{ASSERTION}/retract", json=requests()["POST /assertions/{ref}/retract"][1]
        )
        created = client.post("/keys", json=requests()["POST /keys"][1])
        answers["POST /keys"] = created
        answers["GET /keys"] = client.get("/keys")
        answers["DELETE /keys/{ref}"] = client.delete(f"/keys/{created.json()['id']}")
        app.state.engine.dispose()
    for key, (summary, body) in requests().items():
        model = routes[key].body_field
        assert model is not None, key
        TypeAdapter(model.field_info.annotation).validate_json(json.dumps(body))
        out.setdefault(key, {})["request"] = {"summary": summary, "value": body}
    for key, answer in answers.items():
        assert answer.status_code < 300, (key, answer.status_code, answer.text)
        adapter = TypeAdapter(routes[key].response_model)
        value = adapter.dump_python(adapter.validate_python(answer.json()), mode="json")
        if key == "POST /keys":  # not a secret anyone can use, but shaped like one
            value["secret"] = value["prefix"] + "…(shown once)"
        out.setdefault(key, {})["response"] = {"summary": _summary(key), "value": value}
    return dict(sorted(out.items()))


def _summary(key: str) -> str:
    path = READS.get(key)
    return f"As the seeded database answers {path}" if path else "On the seeded database"


def main() -> None:
    EXAMPLES_FILE.write_text(
        json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {EXAMPLES_FILE.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
