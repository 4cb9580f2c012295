"""Extraction use case: a stored document's candidate assertions, and accepting them."""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import queries
from app.db.lookup import find
from app.db.models import Assertion, Claim, Document, Source
from app.domain.errors import InvalidInput
from app.domain.extract import EXTRACTOR_VERSION
from app.domain.extract.attribution import resolve_source
from app.domain.extract.candidates import Candidate, find_candidates
from app.domain.extract.clean import clean_capture
from app.domain.extract.match import ClaimProfile, suggest_claim
from app.domain.vocabulary import CreatorKind, ValueType
from app.schemas.common import AsOf, Attribution, Quote, Value
from app.schemas.extraction import (
    CandidateAttribution,
    CandidateOut,
    ClaimSuggestion,
    ExcludedSpanOut,
    ExtractIn,
    ExtractionOut,
    ProposedClaim,
)
from app.schemas.records import AssertionIn, ClaimIn
from app.schemas.views import ClaimRef, SourceRef
from app.services import assertions, claims


def assertion_key(document_key: str, candidate_key: str) -> str:
    """Accepting a candidate twice finds the same assertion: its key is derived."""
    return f"{document_key}:x:{candidate_key}"


def _value(candidate: Candidate) -> Value:
    iv = candidate.value.interval
    return Value(
        text=candidate.value.wording,
        qualifier=candidate.value.qualifier,
        low=None if iv.low == float("-inf") else iv.low,
        high=None if iv.high == float("inf") else iv.high,
        low_inclusive=not iv.low_open,
        high_inclusive=not iv.high_open,
    )


def _as_of(candidate: Candidate) -> AsOf | None:
    window = candidate.as_of
    if window is None:
        return None
    return AsOf(
        start=window.start, end=window.end, precision=window.precision, text=candidate.time_text
    )


def _proposal(candidate: Candidate, text: str) -> ProposedClaim:
    unit = candidate.unit or "figure"
    words = re.findall(r"[a-z0-9]+", unit.casefold())
    slug = "-".join(words[:6]) or "figure"
    if not slug[0].isalpha():
        slug = f"n-{slug}"
    sentence = text[candidate.sentence[0] : candidate.sentence[1]].strip()
    return ProposedClaim(slug=slug, title=f"{unit.capitalize()}: {sentence[:120]}", unit=unit)


def _profiles(session: Session) -> list[ClaimProfile]:
    rows = session.execute(
        sa.select(Claim.slug, Claim.title, Claim.unit, Claim.aliases).where(
            Claim.deleted_at.is_(None), Claim.value_type == ValueType.QUANTITY
        )
    )
    return [ClaimProfile(r.slug, r.title, r.unit, tuple(r.aliases)) for r in rows]


def _sources(session: Session) -> tuple[list[tuple[str, Sequence[str]]], dict[str, Source]]:
    live = session.scalars(sa.select(Source).where(Source.deleted_at.is_(None))).all()
    return [(s.slug, (s.name, s.slug.replace("-", " "))) for s in live], {s.slug: s for s in live}


def extract(
    session: Session, ref: int | str, request: ExtractIn | None, actor: str
) -> ExtractionOut:
    """The candidates of a document; with ``request.accept``, those accepted as assertions
    in this transaction (all or none), created by the extractor and its version."""
    document = find(session, Document, ref, options=queries.DOCUMENT_VIEW)
    text = document.text
    cleaned = clean_capture(text)
    reference = document.published_at.date() if document.published_at else None
    candidates = find_candidates(
        text, reference=reference, cleaned=cleaned, language=document.language
    )
    profiles = _profiles(session)
    source_names, sources = _sources(session)
    claim_rows = {
        c.slug: c for c in session.scalars(sa.select(Claim).where(Claim.deleted_at.is_(None)))
    }
    keys = [assertion_key(document.key, c.key) for c in candidates]
    existing = {
        r.key: r.id
        for r in session.execute(
            sa.select(Assertion.key, Assertion.id).where(Assertion.key.in_(keys))
        )
    }
    views: list[CandidateOut] = []
    for candidate, key in zip(candidates, keys, strict=True):
        suggestion = suggest_claim(candidate, text, profiles)
        slug = (
            resolve_source(candidate.source_name, source_names) if candidate.source_name else None
        )
        views.append(
            CandidateOut(
                key=candidate.key,
                value=_value(candidate),
                unit=candidate.unit,
                sentence=text[candidate.sentence[0] : candidate.sentence[1]].strip(),
                quote=Quote(
                    exact=candidate.quote.exact,
                    start=candidate.quote.start,
                    end=candidate.quote.end,
                    prefix=candidate.quote.prefix,
                    suffix=candidate.quote.suffix,
                ),
                attribution=CandidateAttribution(
                    cue=candidate.attribution_cue,
                    name=candidate.source_name,
                    source=SourceRef.model_validate(sources[slug]) if slug else None,
                    via=list(candidate.via),
                    via_sources=[
                        SourceRef.model_validate(sources[v])
                        for v in (resolve_source(name, source_names) for name in candidate.via)
                        if v is not None
                    ],
                ),
                hedge=candidate.hedge,
                as_of=_as_of(candidate),
                suggested_claim=None
                if suggestion is None
                else ClaimSuggestion(
                    claim=ClaimRef.model_validate(claim_rows[suggestion[0]]),
                    score=round(suggestion[1], 3),
                ),
                proposed_claim=None if suggestion else _proposal(candidate, text),
                assertion=existing.get(key),
            )
        )
    accepted: list[int] = []
    if request is not None and request.accept:
        accepted = _accept(session, document, views, request, actor)
    return ExtractionOut(
        document=document.id,
        extractor=EXTRACTOR_VERSION,
        excluded=[
            ExcludedSpanOut(start=s.start, end=s.end, reason=s.reason.value)
            for s in cleaned.excluded
        ],
        candidates=views,
        accepted=accepted,
    )


def _accept(
    session: Session,
    document: Document,
    views: Sequence[CandidateOut],
    request: ExtractIn,
    actor: str,
) -> list[int]:
    by_key = {v.key: v for v in views}
    wanted = list(by_key) if request.accept == "all" else list(request.accept)
    unknown = [k for k in [*wanted, *request.claims] if k not in by_key]
    if unknown:
        raise InvalidInput(f"no candidate {unknown[0]!r} in this document", field="accept")
    creator = f"extractor:{EXTRACTOR_VERSION}"
    accepted = []
    for key in wanted:
        view = by_key[key]
        claim_ref: int | str | None = request.claims.get(key)
        if claim_ref is None and view.suggested_claim is not None:
            claim_ref = view.suggested_claim.claim.slug
        if claim_ref is None and view.proposed_claim is not None and request.create_claims:
            claim_ref = _proposed_claim(session, view.proposed_claim, actor)
        if claim_ref is None:
            raise InvalidInput(
                f"candidate {key!r} matches no claim: name one in claims, or set create_claims",
                field="claims",
            )
        body = AssertionIn(
            key=assertion_key(document.key, key),
            claim=claim_ref,
            document=document.id,
            value=view.value,
            as_of=view.as_of,
            hedge=view.hedge,
            attribution=Attribution(
                source=view.attribution.source.slug if view.attribution.source else None,
                via=[s.slug for s in view.attribution.via_sources]
                if view.attribution.source
                else [],
            ),
            quote=view.quote,
        )
        stmt = sa.select(Assertion).where(Assertion.key == body.key)
        row = session.scalars(stmt.options(*queries.ASSERTION_VIEW)).unique().one_or_none()
        if row is None:
            row = assertions.create_assertion(
                session, body, actor, created_by=creator, creator_kind=CreatorKind.EXTRACTOR
            )
        else:
            assertions.apply_assertion(session, row, body, actor)
        view.assertion = row.id
        accepted.append(row.id)
    return accepted


def _proposed_claim(session: Session, proposal: ProposedClaim, actor: str) -> str:
    existing = session.scalars(sa.select(Claim).where(Claim.slug == proposal.slug)).one_or_none()
    if existing is not None:
        return existing.slug
    claim = claims.create_claim(
        session, ClaimIn(slug=proposal.slug, title=proposal.title, unit=proposal.unit), actor
    )
    return claim.slug
