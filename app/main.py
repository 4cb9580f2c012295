"""The application factory."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from app import __version__
from app.api import edge, errors, examples, middleware
from app.api.auth import reader_gate
from app.api.routes import (
    assertions,
    assessment,
    claims,
    documents,
    exports,
    extraction,
    health,
    keys,
    linked_data,
    outlets,
    sources,
)
from app.config import Settings, get_settings
from app.db.engine import make_engine, make_session_factory
from app.services import claim_state
from app.web import routes as web

DESCRIPTION = """
Who claims what, when, quoting whom; where sources agree, where they conflict, and how
many of the agreeing voices are really independent.

Every list is paginated (`limit`, `cursor`; follow `next`). Rows are named by numeric id
or by slug (outlets, sources, claims) or key (documents, assertions). Deletes are soft
(`/{resource}/{id}/restore` undoes one) and every write leaves a revision
(`/{resource}/{id}/history`). A row's read carries an `ETag`; send it as `If-Match` on a
write to be refused (412) rather than overwrite someone else's edit. Errors are RFC 9457
problem details (`application/problem+json`).

Writes need an API key with the editor role, key management the admin role, sent as
`Authorization: Bearer <key>` (or `X-API-Key`); reads are open unless the server closes
them. `provenance keys create NAME --role admin` makes the first key.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # The docs pages load Swagger UI and ReDoc from the package, not a CDN: they work offline.
    app = FastAPIOffline(
        title="provenance",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "assessment", "description": "Consensus, agreement, conflicts, records"},
            {"name": "claims", "description": "Propositions whose values outlets report"},
            {"name": "assertions", "description": "One document asserting one value"},
            {"name": "documents", "description": "Captured reports, kept as evidence"},
            {"name": "extraction", "description": "Candidate assertions found in a document"},
            {"name": "outlets", "description": "Publishers"},
            {"name": "sources", "description": "Who figures are ultimately attributed to"},
            {"name": "keys", "description": "API keys and their roles (admin only)"},
            {"name": "exports", "description": "Assertions and conflicts as CSV or NDJSON"},
            {
                "name": "linked data",
                "description": "schema.org ClaimReview and W3C PROV-O, as JSON-LD",
            },
            {"name": "operations", "description": "Liveness, readiness, metrics"},
        ],
    )
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    claim_state.enable(
        engine, capacity=settings.assessment_memory, smallest=settings.assessment_memory_from
    )
    errors.install(app)
    edge.install(app, settings)  # before middleware: its request id and log see the 413
    middleware.install(app, settings)
    routers = (
        assessment, claims, assertions, documents, extraction, outlets, sources, exports,
        linked_data,
    )  # fmt: skip
    for module in routers:
        app.include_router(module.router, dependencies=[Depends(reader_gate)])
    app.include_router(keys.router)
    app.include_router(health.router)
    web.install(app)  # the HTML views at /ui, outside the OpenAPI document
    examples.install(app)  # request and response examples from the seeds
    return app
