"""/exports: assertions and conflicts as CSV or NDJSON downloads, streamed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from app.api.deps import SessionDep
from app.api.errors import PROBLEM_RESPONSES
from app.api.routes.common import AssertionFilterDep, FilterRef, resolve_filter
from app.db.models import Claim, Outlet, Source
from app.services import exports
from app.services.exports import ExportFormat

router = APIRouter(prefix="/exports", tags=["exports"], responses=PROBLEM_RESPONSES)

ASSERTIONS_CSV = (
    "id,key,claim,unit,document,document_url,published_at,outlet,stance,status,value_text,"
    "value_normalized,qualifier,low,high,low_inclusive,high_inclusive,as_of_start,as_of_end,"
    "as_of_precision,as_of_text,hedge,source,via,quote,quote_start,quote_end,created_by,"
    "creator_kind,superseded_by_id,deleted_at,notes\r\n"
    "1,seed-000-sappers,nk-sappers-sent-to-kursk,people,seed-000,https://sputnikglobe.com/…,"
    '2026-01-06T09:37:00+00:00,sputnik,asserts,active,"1,000 sappers",,exact,1000.0,1000.0,'
    "true,true,,,,,,,,North Korea also dispatched 1,000 sappers to Russia …,1709,1793,"
    "analyst:seed,person,,,\r\n"
)
ASSERTIONS_NDJSON = (
    '{"id":1,"key":"seed-000-sappers","claim":{"id":1,"slug":"nk-sappers-sent-to-kursk",…},'
    '"document":{…},"stance":"asserts","status":"active","value":{"text":"1,000 sappers",'
    '"qualifier":"exact","low":1000.0,"high":1000.0,…},…}\n'
)
CONFLICTS_CSV = (
    "claim,claim_id,unit,behavior,severity,rule,reason,a_assertion,a_key,a_outlet,a_document,"
    "a_source,a_value,a_quote,b_assertion,b_key,b_outlet,b_document,b_source,b_value,b_quote\r\n"
    "kursk-hectares-demined,2,hectares,cumulative,0.12,…,…,2,seed-000-hectares,sputnik,1,,"
    "some 42,400 hectares,…,…\r\n"
)
CONFLICTS_NDJSON = (
    '{"claim":{"id":2,"slug":"kursk-hectares-demined",…},"a":{…},"b":{…},"severity":0.12,'
    '"rule":"…","reason":"…"}\n'
)


def _download(examples: tuple[str, str]) -> dict[int | str, dict[str, Any]]:
    csv_example, ndjson_example = examples
    return {
        200: {
            "description": "The rows, streamed; `Content-Disposition` names the file",
            "content": {
                "text/csv": {"schema": {"type": "string"}, "example": csv_example},
                "application/x-ndjson": {"schema": {"type": "string"}, "example": ndjson_example},
            },
        }
    }


def _stream(lines: Any, fmt: ExportFormat, name: str) -> StreamingResponse:
    return StreamingResponse(
        exports.chunked(lines),
        media_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt.value}"'},
    )


FormatPath = Annotated[
    ExportFormat,
    Path(description="csv: a header row, then one row per record; ndjson: one JSON object a line"),
]


@router.get(
    "/assertions.{fmt}",
    summary="Download assertions as CSV or NDJSON",
    response_class=StreamingResponse,
    responses=_download((ASSERTIONS_CSV, ASSERTIONS_NDJSON)),
)
def export_assertions(
    request: Request,
    fmt: FormatPath,
    f: AssertionFilterDep,
) -> StreamingResponse:
    """Every assertion `GET /assertions` would list with the same filters, oldest first,
    in one download (`/exports/assertions.csv` or `/exports/assertions.ndjson`) instead
    of pages. Rows are read and sent in batches, so the size of the export does not
    matter. NDJSON lines have the shape of `GET /assertions/{ref}`; CSV has a header
    row and one row per assertion (`low`/`high` are ISO dates for date claims, an empty
    `high` is unbounded; `via` lists the intermediaries from the source towards the
    outlet, separated by ` > `). A CSV cell that a spreadsheet would run as a formula
    (starting with `=`, `+`, `-` or `@`) is written with a leading apostrophe."""
    items = exports.assertions(request.app.state.session_factory, f)
    return _stream(exports.render(items, fmt, exports.ASSERTION_COLUMNS), fmt, "assertions")


@router.get(
    "/conflicts.{fmt}",
    summary="Download conflicting pairs as CSV or NDJSON",
    response_class=StreamingResponse,
    responses=_download((CONFLICTS_CSV, CONFLICTS_NDJSON)),
)
def export_conflicts(
    request: Request,
    session: SessionDep,
    fmt: FormatPath,
    claim: FilterRef = None,
    outlet: Annotated[str | None, Query(max_length=200, description="Either side's outlet")] = None,
    source: Annotated[
        str | None, Query(max_length=200, description="Either side's attribution root")
    ] = None,
    min_severity: Annotated[float, Query(ge=0, le=1)] = 0.0,
) -> StreamingResponse:
    """Every conflicting pair `GET /conflicts` would list with the same filters, in one
    download, claim by claim (by claim id) and most severe first within each claim: one
    claim is assessed at a time, so the size of the export does not matter. NDJSON lines
    have the shape of `GET /conflicts` items; CSV has a header row and one row per pair,
    the two sides as `a_*` and `b_*` columns."""
    claim_id = resolve_filter(session, Claim, claim, "claim")
    outlet_id = resolve_filter(session, Outlet, outlet, "outlet")
    source_id = resolve_filter(session, Source, source, "source")
    items = exports.conflicts(
        request.app.state.session_factory, claim_id=claim_id, outlet_id=outlet_id,
        source_id=source_id, min_severity=min_severity,
    )  # fmt: skip
    return _stream(exports.render(items, fmt, exports.CONFLICT_COLUMNS), fmt, "conflicts")
