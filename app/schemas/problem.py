"""The one error shape: RFC 9457 problem details, as the API sends and the client reads them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. value.low")
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=["urn:provenance:problem:not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["no claim 'nk-sappers'"])
    instance: str = Field(examples=["/claims/nk-sappers"])
    field: str | None = Field(default=None, description="The input field at fault, if one")
    errors: list[FieldError] | None = Field(default=None, description="Each invalid field")
    request_id: str | None = Field(default=None, description="X-Request-ID, to quote in reports")
