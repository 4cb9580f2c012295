"""Linked data: a claim's assessment as schema.org ClaimReview, an assertion's lineage
as W3C PROV-O, both JSON-LD."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.deps import SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import RefPath
from app.services import linked_data
from app.services.jsonld import MEDIA_TYPE

router = APIRouter(tags=["linked data"], responses=PROBLEM_RESPONSES)


class JSONLDResponse(JSONResponse):
    media_type = MEDIA_TYPE


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


CLAIM_REVIEW_EXAMPLE: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "@id": "http://127.0.0.1:8000/claims/nk-sappers-sent-to-kursk/assessment",
    "claimReviewed": "North Korean sappers sent to Russia's Kursk region",
    "datePublished": "2026-02-16",
    "author": {"@type": "Organization", "name": "provenance", "url": "http://127.0.0.1:8000/"},
    "itemReviewed": {
        "@type": "Claim",
        "@id": "http://127.0.0.1:8000/claims/nk-sappers-sent-to-kursk",
        "name": "North Korean sappers sent to Russia's Kursk region",
        "author": [
            {
                "@type": "Organization",
                "@id": "http://127.0.0.1:8000/outlets/sputnik",
                "name": "Sputnik International",
            }
        ],
        "appearance": [
            {
                "@type": "CreativeWork",
                "@id": "http://127.0.0.1:8000/documents/seed-000",
                "url": "https://sputnikglobe.com/…",
                "datePublished": "2026-01-06T09:37:00+00:00",
                "publisher": {"@id": "http://127.0.0.1:8000/outlets/sputnik", "…": "…"},
            }
        ],
    },
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 2,
        "worstRating": 0,
        "alternateName": "Consensus: 1,000 people",
        "ratingExplanation": "3 assertion(s) from 3 outlet(s) and 2 independent source(s) …",
    },
    "reviewBody": "… 0 conflicting pair(s).",
}
PROV_EXAMPLE: dict[str, Any] = {
    "@context": "https://www.w3.org/ns/prov.jsonld",
    "@graph": [
        {
            "@id": "http://127.0.0.1:8000/assertions/7",
            "@type": "Entity",
            "value": "1,000 sappers",
            "wasDerivedFrom": "http://127.0.0.1:8000/assertions/7#quote",
        },
        {
            "@id": "http://127.0.0.1:8000/assertions/7#quote",
            "@type": "Entity",
            "value": "North Korea would be sending 1,000 sappers",
            "wasQuotedFrom": "http://127.0.0.1:8000/documents/seed-003",
        },
        {
            "@id": "http://127.0.0.1:8000/documents/seed-003",
            "@type": "Entity",
            "wasAttributedTo": "http://127.0.0.1:8000/outlets/tass",
            "wasDerivedFrom": "http://127.0.0.1:8000/assertions/7#statement-0",
        },
        {
            "@id": "http://127.0.0.1:8000/assertions/7#statement-0",
            "@type": "Entity",
            "wasAttributedTo": "http://127.0.0.1:8000/sources/sergei-shoigu",
        },
    ],
}


def _jsonld(example: dict[str, Any], description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {MEDIA_TYPE: {"schema": {"type": "object"}, "example": example}},
        }
    }


@router.get(
    "/claims/{ref}/assessment.jsonld",
    summary="A claim's assessment as a schema.org ClaimReview (JSON-LD)",
    response_class=JSONLDResponse,
    responses=_jsonld(CLAIM_REVIEW_EXAMPLE, "A schema.org ClaimReview of the claim"),
)
def claim_review(ref: RefPath, request: Request, session: SessionDep) -> JSONLDResponse:
    """The assessment of `GET /claims/{ref}/assessment` as linked data, for fact-check
    aggregators and knowledge graphs: a schema.org `ClaimReview` whose `itemReviewed` is
    the `Claim` (its title, the outlets that reported it as `author`, their documents as
    `appearance`, earliest first), and whose `reviewRating` is the consensus: how many
    independent voices stand behind it (`ratingValue`) of those compared (`bestRating`),
    the consensus value (`alternateName`) and why (`ratingExplanation`). The context is
    schema.org's (`https://schema.org`). Ids are this server's URLs."""
    return JSONLDResponse(linked_data.claim_review(session, ref, base=_base(request)))


@router.get(
    "/assertions/{ref}/provenance",
    summary="An assertion's lineage as W3C PROV-O (JSON-LD)",
    response_class=JSONLDResponse,
    responses=_jsonld(PROV_EXAMPLE, "The assertion's lineage, a PROV-O graph"),
)
def assertion_provenance(ref: RefPath, request: Request, session: SessionDep) -> JSONLDResponse:
    """Where the figure comes from, as a W3C PROV-O graph (context
    `https://www.w3.org/ns/prov.jsonld`): the recorded figure (`prov:value`, attributed
    to who recorded it) `wasDerivedFrom` its quote, which `wasQuotedFrom` the document,
    which `wasAttributedTo` its outlet. The document `wasDerivedFrom` the statement of the
    last intermediary, which `wasDerivedFrom` the one before, back to the ultimate
    source's; each statement `wasAttributedTo` who made it (sources are `prov:Person` or
    `prov:Organization` agents). An assertion in the outlet's own voice has no chain."""
    return JSONLDResponse(linked_data.assertion_lineage(session, ref, base=_base(request)))
