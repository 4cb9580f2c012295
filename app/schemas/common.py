"""Building blocks shared by every record: identifiers, values, windows, quotes, pages."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.domain.vocabulary import Precision, Qualifier

T = TypeVar("T")

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


def _json_integer(value: object) -> object:
    """An integer comes as a JSON number (5, or 5.0): not true (which Python counts as 1)
    and not text ("5"), which pydantic would otherwise take."""
    if isinstance(value, bool | str):
        raise ValueError("write a whole number as a JSON number, e.g. 12")
    return value


def _plain_ref(value: object) -> object:
    if isinstance(value, bool) or (isinstance(value, str) and value.isdigit()):
        raise ValueError(
            'an id is a JSON number (12, not "12"); a slug or key starts with a letter'
        )
    return value


Ref = Annotated[
    Annotated[int, Field(ge=1, le=2**31 - 1)]
    | Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=200)],
    BeforeValidator(_plain_ref),
    Field(description="A row's numeric id, or its slug (outlets, sources, claims) or key"),
]
# Text that is not blank once trimmed: any character but the Unicode White_Space that
# trimming removes, spelled out so that the OpenAPI document (ECMA regex), pydantic and
# Schemathesis read it alike (their \s differ).
NOT_BLANK = r"[^\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=300)
]
ShortText = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
# Numbers in a body are JSON numbers (strict: neither true nor "5" stands for one), never NaN.
# Quantities are magnitudes (counts, areas, lengths): the model reads "up to x" as [0, x] and
# the extractor reads no sign, so no bound of a quantity is negative.
Magnitude = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
# Code-point offsets into a document's raw text, which holds at most 2,000,000 characters.
Offset = Annotated[int, BeforeValidator(_json_integer), Field(ge=0, le=2_000_000)]


def _not_null(value: object) -> object:
    if value is None:
        raise ValueError("leave the field out to keep it; it cannot be null")
    return value


def _not_nullable(schema: dict[str, Any]) -> None:
    """Take null out of a ``Present`` field's JSON schema, and its default of null."""
    schema.pop("default", None)
    options = [s for s in schema.pop("anyOf", []) if s != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


# A patch field for a column that always has a value: it may be left out, not sent as null
# (null is not in its JSON schema either).
Present = Annotated[
    T | None,
    BeforeValidator(_not_null),
    Field(json_schema_extra=_not_nullable),
]


_ISO_8601 = re.compile(r"\d{4}-")


def _iso_text(value: object) -> object:
    """Dates and times come as ISO 8601 text: a number (which pydantic would read as Unix
    time, "0.5" included) is refused, as the schema's string format says."""
    if isinstance(value, int | float) or (isinstance(value, str) and not _ISO_8601.match(value)):
        raise ValueError("write dates as ISO 8601 text, e.g. 2025-06-17 or 2025-06-17T09:30:00Z")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text)]


def _utc(value: datetime) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable instant
        raise ValueError("the time is out of range (years 1 to 9999, in UTC)") from None


Timestamp = Annotated[
    datetime,
    BeforeValidator(_iso_text),
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
        here = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return here
        found = _nul_path(value, here)
        if found is not None:
            return found
    return None


# Validation context for JSON text known to hold no NUL: JSON writes a NUL in a string
# only as the escape \u0000 (a raw control character is not JSON), so text without "\u"
# has none, and the check of every string is skipped.
NUL_FREE: dict[str, bool] = {"nul_free": True}


class Strict(BaseModel):
    """Input models reject unknown fields (no mass assignment, no silent typos) and NUL
    characters, which PostgreSQL cannot store in text."""

    model_config = ConfigDict(extra="forbid")

    # After each field's own checks: a "before" validator may not touch the ``type`` that
    # tells bundle records apart. Nested models run their own.
    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object, info: ValidationInfo) -> object:
        if info.context is NUL_FREE:  # JSON text without a \u escape: no NUL in it
            return value
        where = _nul_path(value)  # "" when the field itself is the string
        if where is not None:
            at = f" (at {where})".replace("\x00", "\\u0000") if where else ""
            raise ValueError(f"text may not contain NUL (\\u0000) characters{at}")
        return value


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
    low: Magnitude | IsoDate | None = None
    high: Magnitude | IsoDate | None = None
    low_inclusive: StrictBool = True
    high_inclusive: StrictBool = True

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

    start: IsoDate | None = None
    end: IsoDate | None = None
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
    start: Offset | None = None
    end: Offset | None = None
    prefix: Annotated[str, StringConstraints(max_length=200)] | None = None
    suffix: Annotated[str, StringConstraints(max_length=200)] | None = None


class Attribution(Strict):
    """The ultimate source, and the intermediaries from it towards the outlet."""

    source: Ref | None = Field(default=None, description="null: the outlet's own voice")
    via: Annotated[list[Ref], Field(max_length=20)] = Field(default_factory=list)


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` (or pass ``next_cursor``) for the next one."""

    items: list[T]
    limit: int
    next_cursor: str | None = Field(description="null on the last page")
    next: str | None = Field(description="The URL of the next page, null on the last page")
