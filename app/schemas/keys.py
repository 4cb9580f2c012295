"""API keys as the admin endpoints show them: never the secret, except once at creation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.domain.vocabulary import Role
from app.schemas.common import NOT_BLANK, Strict


class KeyIn(Strict):
    name: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=200),
    ] = Field(description="Whose key: a person or a script", examples=["nightly-audit"])
    role: Role = Field(description="reader < editor (writes) < admin (keys)", examples=["editor"])


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it")
    role: Role
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class KeyCreated(KeyOut):
    secret: str = Field(
        description="Send as `Authorization: Bearer <secret>` (or `X-API-Key`). Shown only now."
    )
