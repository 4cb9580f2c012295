"""Extraction: a document's candidate assertions, proposed with evidence for a person or
a script to accept."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.auth import EditorDep
from app.api.deps import SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import RefPath
from app.schemas.extraction import ExtractIn, ExtractionOut
from app.services import extraction

router = APIRouter(tags=["extraction"], responses=PROBLEM_RESPONSES)


@router.post("/documents/{ref}/extract", summary="Propose (and accept) a document's assertions")
def extract_document(
    ref: RefPath, session: SessionDep, actor: EditorDep, body: ExtractIn | None = None
) -> ExtractionOut:
    """Finds every figure of the article — not of its comments, sidebars, disclaimers or
    repeated paragraphs, which are listed in `excluded` — with its interval, unit noun,
    sentence, attribution cue resolved to a stored source, hedge, as-of window and quote
    anchor, and suggests the stored claim it reports (or proposes one).

    Without a body nothing is stored. With `accept` (candidate keys, or `"all"`), those
    candidates become assertions in one transaction, created by the extractor and its
    version; accepting again on the same text changes nothing."""
    return extraction.extract(session, ref, body, actor)
