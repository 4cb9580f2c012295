"""The application factory."""

from __future__ import annotations

from fastapi import FastAPI

from app import __version__
from app.api import errors
from app.api.routes import (
    assertions,
    assessment,
    claims,
    documents,
    extraction,
    health,
    outlets,
    sources,
)
from app.config import Settings, get_settings
from app.db.engine import make_engine, make_session_factory

DESCRIPTION = """
Who claims what, when, quoting whom; where sources agree, where they conflict, and how
many of the agreeing voices are really independent.

Every list is paginated (`limit`, `cursor`; follow `next`). Rows are named by numeric id
or by slug (outlets, sources, claims) or key (documents, assertions). Deletes are soft
and every write leaves a revision (`/{resource}/{id}/history`). Errors are RFC 9457
problem details (`application/problem+json`).
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
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
            {"name": "operations", "description": "Health"},
        ],
    )
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    errors.install(app)
    routers = (assessment, claims, assertions, documents, extraction, outlets, sources, health)
    for module in routers:
        app.include_router(module.router)
    return app
