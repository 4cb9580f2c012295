"""Optimistic locking over HTTP: ``ETag`` on reads and writes, ``If-Match`` on writes.

A row's entity tag is ``"<id>-<version>"``: strong, and new on every write of the row
(a claim's or document's tag does not move when only its embedded assertions do).
A write to an existing row sent with ``If-Match`` proceeds only when the row is still at
one of the listed tags (``*``: at any); otherwise 412. With ``require_if_match`` set, a
write without the header is refused with 428.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Response

from app.api.deps import SettingsDep
from app.api.errors import PROBLEM_JSON, Problem
from app.db.models import Tracked
from app.services.rows import Expected


def etag(row: Tracked) -> str:
    return f'"{row.id}-{row.version}"'


def set_etag(response: Response, row: Tracked) -> None:
    response.headers["ETag"] = etag(row)


def _parse(header: str) -> Expected:
    """The (id, version) pairs of an If-Match list; None for ``*``. Weak tags (W/) and
    tags of another shape never match, as strong comparison requires."""
    pairs: set[tuple[int, int]] = set()
    for item in header.split(","):
        tag = item.strip()
        if tag == "*":
            return None
        quoted = len(tag) > 2 and tag[0] == tag[-1] == '"'
        row_id, _, version = tag[1:-1].partition("-") if quoted else ("", "", "")
        if _number(row_id) and _number(version):
            pairs.add((int(row_id), int(version)))
    return frozenset(pairs)


def _number(text: str) -> bool:
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()


def expected_version(
    settings: SettingsDep,
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            max_length=2000,
            description='The `ETag` of the row as last read, e.g. `"12-3"`: the write is '
            "refused with 412 when the row has changed since",
        ),
    ] = None,
) -> Expected:
    if if_match is None:
        if settings.require_if_match:
            raise HTTPException(
                428, 'this server needs If-Match with the ETag of the row as read, e.g. "12-3"'
            )
        return None
    return _parse(if_match)


IfMatchDep = Annotated[Expected, Depends(expected_version)]

PRECONDITION_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": description}
    for status, description in {
        412: "If-Match names a version the row is no longer at",
        428: "The server requires If-Match and none was sent",
    }.items()
}
