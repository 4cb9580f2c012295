"""Linked-data views, built from the API's own views (pure: no FastAPI, no SQLAlchemy).

- ``claim_review``: a claim's assessment as a schema.org ``ClaimReview`` of a ``Claim``:
  the claim's title as ``claimReviewed``, the outlets that reported it as the claim's
  ``author`` and their documents as its ``appearance``, the consensus as the review's
  ``reviewRating`` (how many independent voices stand behind it, of those compared).
- ``assertion_lineage``: an assertion's lineage in W3C PROV-O: the recorded figure was
  derived from its quote, quoted from the document, which the outlet published; the
  document derives from the statement of each intermediary in turn back to the source,
  each statement attributed to who made it.

Documents name their contexts by their usual URLs; ``app.contexts`` ships them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from app.contexts import PROV, SCHEMA_ORG
from app.domain.vocabulary import CreatorKind, SourceKind
from app.schemas.assessment import AssessmentOut, ConsensusOut
from app.schemas.views import AssertionOut, ClaimOut, OutletRef, SourceRef

MEDIA_TYPE = "application/ld+json"


def _organization(base: str, outlet: OutletRef) -> dict[str, Any]:
    return {"@type": "Organization", "@id": f"{base}/outlets/{outlet.slug}", "name": outlet.name}


def _bound_text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return str(value)


def consensus_wording(consensus: ConsensusOut, unit: str) -> str:
    """The consensus value in a few words, e.g. ``1,000 people`` or ``900–1,100 people``.

    >>> c = ConsensusOut(low=900.0, high=1100.0, best=1000.0, window=None, supporting=[1],
    ...     dissenting=[], outlets=1, independent_sources=1, support=1.0, explanation="")
    >>> consensus_wording(c, "people")
    '1,000 people (900–1,100)'
    """
    if consensus.text is not None:
        return consensus.text
    if consensus.best is None:
        low = "…" if consensus.low is None else _bound_text(consensus.low)
        high = "…" if consensus.high is None else _bound_text(consensus.high)
        return f"{low}–{high} {unit}"
    best = f"{_bound_text(consensus.best)} {unit}"
    if consensus.low is not None and consensus.high is not None and consensus.low != consensus.high:
        return f"{best} ({_bound_text(consensus.low)}–{_bound_text(consensus.high)})"
    return best


def _rating(result: AssessmentOut, unit: str, voices: Mapping[int, str]) -> dict[str, Any]:
    """The consensus as a Rating: the independent voices behind it of those compared."""
    consensus = result.consensus
    if consensus is None:
        return {"@type": "Rating", "alternateName": "no consensus: no comparable figures"}
    behind = {voices[i] for i in consensus.supporting if i in voices}
    compared = behind | {voices[i] for i in consensus.dissenting if i in voices}
    return {
        "@type": "Rating",
        "ratingValue": len(behind),
        "bestRating": len(compared),
        "worstRating": 0,
        "alternateName": f"Consensus: {consensus_wording(consensus, unit)}",
        "ratingExplanation": consensus.explanation,
    }


def _appearance(base: str, a: AssertionOut) -> dict[str, Any]:
    document = a.document
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "@id": f"{base}/documents/{document.key}",
        "publisher": _organization(base, document.outlet),
    }
    if document.url:
        work["url"] = document.url
    if document.title:
        work["headline"] = document.title
    if document.published_at:
        work["datePublished"] = document.published_at.isoformat()
    return work


def claim_review(
    claim: ClaimOut,
    result: AssessmentOut,
    assertions: list[AssertionOut],
    voices: Mapping[int, str],
    *,
    base: str,
    published: date,
) -> dict[str, Any]:
    """A schema.org ClaimReview of ``claim``: its consensus, outlets and appearances.

    ``assertions`` are the claim's live assertions; those the assessment weighs (its
    timeline) give the claim's authors and appearances, earliest first. ``voices`` names
    each assessed assertion's independent voice (echoes of one source share one).
    """
    assessed = {t.assertion for t in result.timeline}
    shown = sorted(
        (a for a in assertions if a.id in assessed),
        key=lambda a: (a.document.published_at is None, a.document.published_at, a.id),
    )
    documents = {a.document.key: _appearance(base, a) for a in shown}
    outlets = {a.document.outlet.slug: _organization(base, a.document.outlet) for a in shown}
    item: dict[str, Any] = {
        "@type": "Claim",
        "@id": f"{base}/claims/{claim.slug}",
        "name": claim.title,
        "author": list(outlets.values()),
        "appearance": list(documents.values()),
    }
    if claim.description:
        item["description"] = claim.description
    if claim.aliases:
        item["alternateName"] = list(claim.aliases)
    if claim.tags:
        item["keywords"] = ", ".join(claim.tags)
    if documents:
        item["firstAppearance"] = next(iter(documents.values()))["@id"]
    windows = [w.explanation for w in result.windows]
    body = " ".join(windows) if windows else "No comparable figures."
    body += f" {result.conflicts_total} conflicting pair(s)."
    return {
        "@context": SCHEMA_ORG,
        "@type": "ClaimReview",
        "@id": f"{base}/claims/{claim.slug}/assessment",
        "url": f"{base}/claims/{claim.slug}/assessment",
        "name": f"Assessment of: {claim.title}",
        "claimReviewed": claim.title,
        "datePublished": published.isoformat(),
        "author": {"@type": "Organization", "name": "provenance", "url": f"{base}/"},
        "itemReviewed": item,
        "reviewRating": _rating(result, claim.unit, voices),
        "reviewBody": body,
    }


_AGENT_TYPES = {
    SourceKind.PERSON: ["Agent", "Person"],
    SourceKind.AGENCY: ["Agent", "Organization"],
    SourceKind.BODY: ["Agent", "Organization"],
    SourceKind.OUTLET: ["Agent", "Organization"],
}
_CREATOR_TYPES = {
    CreatorKind.PERSON: ["Agent", "Person"],
    CreatorKind.EXTRACTOR: ["Agent", "SoftwareAgent"],
}


def _source_agent(base: str, source: SourceRef) -> dict[str, Any]:
    return {
        "@id": f"{base}/sources/{source.slug}",
        "@type": _AGENT_TYPES.get(source.kind, ["Agent"]),
        "label": source.name,
    }


def assertion_lineage(a: AssertionOut, *, base: str) -> dict[str, Any]:
    """The PROV-O graph of where ``a``'s figure comes from, in order.

    The chain runs from the outlet's document back to the ultimate source: with
    attribution ``{"source": "nis", "via": ["lawmaker", "yonhap"]}`` the document
    ``wasDerivedFrom`` Yonhap's statement, which ``wasDerivedFrom`` the lawmaker's,
    which ``wasDerivedFrom`` the NIS's; each statement ``wasAttributedTo`` its speaker.
    """
    node = f"{base}/assertions/{a.id}"
    document = f"{base}/documents/{a.document.key}"
    outlet = a.document.outlet
    creator = f"urn:provenance:actor:{quote(a.created_by, safe=':')}"
    graph: list[dict[str, Any]] = []

    figure: dict[str, Any] = {
        "@id": node,
        "@type": "Entity",
        "label": f"{a.claim.title}: {a.value.text}",
        "value": a.value.text,
        "wasAttributedTo": creator,
        "generatedAtTime": a.created_at.isoformat(),
    }
    if a.quote is not None:
        quote_id = f"{node}#quote"
        figure["wasDerivedFrom"] = quote_id
        graph.append(figure)
        graph.append(
            {"@id": quote_id, "@type": "Entity", "value": a.quote.exact, "wasQuotedFrom": document}
        )
    else:
        figure["wasDerivedFrom"] = document
        graph.append(figure)

    speakers = ([a.attribution.source] if a.attribution.source else []) + a.attribution.via
    statements = [f"{node}#statement-{i}" for i in range(len(speakers))]
    capture: dict[str, Any] = {
        "@id": document,
        "@type": "Entity",
        "wasAttributedTo": f"{base}/outlets/{outlet.slug}",
    }
    if a.document.title:
        capture["label"] = a.document.title
    if a.document.url:
        capture["atLocation"] = a.document.url
    if a.document.published_at:
        capture["generatedAtTime"] = a.document.published_at.isoformat()
    if statements:
        capture["wasDerivedFrom"] = statements[-1]
    graph.append(capture)
    graph.append(
        {
            "@id": f"{base}/outlets/{outlet.slug}",
            "@type": ["Agent", "Organization"],
            "label": outlet.name,
        }
    )
    for i, (statement, speaker) in enumerate(zip(statements, speakers, strict=True)):
        said: dict[str, Any] = {
            "@id": statement,
            "@type": "Entity",
            "label": f"{a.value.text}, as stated by {speaker.name}",
            "wasAttributedTo": f"{base}/sources/{speaker.slug}",
        }
        if i > 0:
            said["wasDerivedFrom"] = statements[i - 1]
        graph.append(said)
    seen: set[str] = set()
    for speaker in speakers:
        if speaker.slug not in seen:
            seen.add(speaker.slug)
            graph.append(_source_agent(base, speaker))
    graph.append(
        {
            "@id": creator,
            "@type": _CREATOR_TYPES.get(a.creator_kind, ["Agent"]),
            "label": a.created_by,
        }
    )
    if a.superseded_by_id is not None:
        graph.append({"@id": f"{base}/assertions/{a.superseded_by_id}", "wasRevisionOf": node})
    return {"@context": PROV, "@graph": graph}
