"""Building blocks shared by every record: identifiers, values, windows, quotes, pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.domain.vocabulary import Precision, Qualifier

SLUG_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9._:-]*$"

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=120),
    Field(description="Lower-case letters, digits and hyphens, starting with a letter"),
]
Key = Annotated[
    str,
    StringConstraints(pattern=KEY_PATTERN, max_length=200),
    Field(description="Stable external key: letters, digits, '.', '_', ':' and '-'"),
]
Ref = Annotated[
    Annotated[int, Field(ge=1, le=2**31 - 1)]
    | Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=200)],
    Field(description="A row's numeric id, or its slug (outlets, sources, claims) or key"),
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Number = Annotated[float, Field(allow_inf_nan=False)]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[
    datetime,
    AfterValidator(_utc),
    Field(description="ISO 8601; stored in UTC, and a time without an offset is taken as UTC"),
]


def _nul_path(data: object, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL character, if any."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        found = _nul_path(value, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


class Strict(BaseModel):
    """Input models reject unknown fields (no mass assignment, no silent typos) and NUL
    characters, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: object) -> object:
        where = _nul_path(data)
        if where is not None:
            raise ValueError(f"{where}: text may not contain NUL (\\u0000) characters")
        return data


class Value(Strict):
    """A value as worded, with the interval it stands for.

    Quantities carry numbers, dates carry ISO dates, text values carry only ``text``.
    A missing ``high`` is unbounded above.
    """

    text: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="The verbatim wording, e.g. 'some 42,400'", examples=["some 42,400"]
    )
    normalized: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = Field(
        default=None,
        description="Text claims: the canonical value the wording stands for, e.g. 'Pyongyang' "
        "for 'in the capital'; compared instead of the wording",
    )
    qualifier: Qualifier | None = None
    low: Number | date | None = None
    high: Number | date | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.normalized is not None and (self.low is not None or self.high is not None):
            raise ValueError("normalized is for text values, which have no low or high")
        if self.qualifier is None and (self.low is not None or self.high is not None):
            raise ValueError("a value with low or high needs a qualifier")
        if self.low is not None and self.high is not None:
            if isinstance(self.low, date) != isinstance(self.high, date):
                raise ValueError("low and high must both be numbers or both be dates")
            if self.low > self.high:  # type: ignore[operator]
                raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self


class AsOf(Strict):
    """The time a figure refers to, which may differ from the publication date."""

    start: date | None = None
    end: date | None = None
    precision: Precision | None = None
    text: ShortText | None = Field(default=None, examples=["by early December"])

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"start ({self.start}) is after end ({self.end})")
        return self


class Quote(Strict):
    """Where the value stands in the document's raw text (code-point offsets, end exclusive)."""

    exact: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    start: Annotated[int, Field(ge=0)] | None = None
    end: Annotated[int, Field(ge=0)] | None = None
    prefix: Annotated[str, StringConstraints(max_length=200)] | None = None
    suffix: Annotated[str, StringConstraints(max_length=200)] | None = None


class Attribution(Strict):
    """The ultimate source, and the intermediaries from it towards the outlet."""

    source: Ref | None = Field(default=None, description="null: the outlet's own voice")
    via: Annotated[list[Ref], Field(max_length=20)] = Field(default_factory=list)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` (or pass ``next_cursor``) for the next one."""

    items: list[T]
    limit: int
    next_cursor: str | None = Field(description="null on the last page")
    next: str | None = Field(description="The URL of the next page, null on the last page")
