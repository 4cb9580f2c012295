"""Input shapes: what a client sends to create or patch a record, and what a bundle line holds."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from app.domain.vocabulary import (
    AssertionStatus,
    Behavior,
    CreatorKind,
    OutletKind,
    Precision,
    SourceKind,
    Stance,
    ValueType,
)
from app.schemas.common import (
    NOT_BLANK,
    AsOf,
    Attribution,
    Key,
    LongText,
    Magnitude,
    Name,
    Present,
    Quote,
    Ref,
    ShortText,
    Slug,
    Strict,
    Timestamp,
    Value,
)

VagueTerms = Annotated[
    dict[
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=80
            ),
        ],
        tuple[Magnitude, Magnitude],
    ],
    Field(
        max_length=100,
        description="This claim's reading of vague wording, over the default lexicon: "
        '{"hundreds": [200, 999]}',
    ),
]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=80)
]
Alias = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=300)
]
Domain = Annotated[str, StringConstraints(max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]
Url = Annotated[str, StringConstraints(max_length=2048, pattern=r"^https?://\S+$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Language = Annotated[
    str, StringConstraints(max_length=16, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
]


def _check_terms(terms: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    for term, (low, high) in terms.items():
        if low > high:
            raise ValueError(f"vague term {term!r}: low {low} is greater than high {high}")
    return {term.casefold(): bounds for term, bounds in terms.items()}


class OutletIn(Strict):
    slug: Slug
    name: Name
    domain: Domain | None = None
    country: Country | None = Field(default=None, description="ISO 3166-1 alpha-2")
    kind: OutletKind = OutletKind.OTHER
    notes: LongText | None = None


class OutletPatch(Strict):
    slug: Present[Slug] = None
    name: Present[Name] = None
    domain: Domain | None = None
    country: Country | None = None
    kind: Present[OutletKind] = None
    notes: LongText | None = None


class SourceIn(Strict):
    slug: Slug
    name: Name
    kind: SourceKind = SourceKind.OTHER
    affiliation: Annotated[str, StringConstraints(max_length=200)] | None = None
    notes: LongText | None = None


class SourcePatch(Strict):
    slug: Present[Slug] = None
    name: Present[Name] = None
    kind: Present[SourceKind] = None
    affiliation: Annotated[str, StringConstraints(max_length=200)] | None = None
    notes: LongText | None = None


class ClaimIn(Strict):
    slug: Slug
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=500),
    ]
    description: LongText | None = None
    unit: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=60),
    ]
    value_type: ValueType = ValueType.QUANTITY
    behavior: Behavior = Behavior.FIXED
    tolerance: Annotated[float, Field(ge=0, lt=1, strict=True)] = Field(
        default=0.1, description="Relative half-width for 'approximately' wording"
    )
    aliases: Annotated[list[Alias], Field(max_length=100)] = Field(default_factory=list)
    tags: Annotated[list[Tag], Field(max_length=50)] = Field(default_factory=list)
    vague_terms: VagueTerms = Field(default_factory=dict)
    notes: LongText | None = None

    @field_validator("vague_terms")
    @classmethod
    def _ordered_terms(
        cls, terms: dict[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        return _check_terms(terms)


class ClaimPatch(Strict):
    slug: Present[Slug] = None
    title: Present[
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=500
            ),
        ]
    ] = None
    description: LongText | None = None
    unit: Present[
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=60
            ),
        ]
    ] = None
    value_type: Present[ValueType] = None
    behavior: Present[Behavior] = None
    tolerance: Present[Annotated[float, Field(ge=0, lt=1, strict=True)]] = None
    aliases: Present[Annotated[list[Alias], Field(max_length=100)]] = None
    tags: Present[Annotated[list[Tag], Field(max_length=50)]] = None
    vague_terms: Present[VagueTerms] = None
    notes: LongText | None = None

    @field_validator("vague_terms")
    @classmethod
    def _ordered_terms(
        cls, terms: dict[str, tuple[float, float]] | None
    ) -> dict[str, tuple[float, float]] | None:
        return None if terms is None else _check_terms(terms)


class DocumentIn(Strict):
    key: Key | None = Field(default=None, description="Generated when left out")
    outlet: Ref
    url: Url | None = None
    title: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=1000
            ),
        ]
        | None
    ) = None
    author: Annotated[str, StringConstraints(max_length=300)] | None = None
    published_at: Timestamp | None = None
    published_precision: Precision | None = None
    retrieved_at: Timestamp | None = None
    language: Language | None = None
    raw_text: Annotated[str, StringConstraints(min_length=1, max_length=2_000_000)]
    clean_text: Annotated[str, StringConstraints(max_length=2_000_000)] | None = None
    sha256: Sha256 | None = Field(default=None, description="Checked against raw_text when given")
    duplicate_of: Ref | None = Field(
        default=None, description="The document this one copies (a syndicated copy)"
    )
    duplicate_similarity: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None
    notes: LongText | None = None


class DocumentPatch(Strict):
    """The raw capture is evidence and cannot be patched: store a new document instead."""

    outlet: Present[Ref] = None
    url: Url | None = None
    title: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=1000
            ),
        ]
        | None
    ) = None
    author: Annotated[str, StringConstraints(max_length=300)] | None = None
    published_at: Timestamp | None = None
    published_precision: Precision | None = None
    retrieved_at: Timestamp | None = None
    language: Language | None = None
    clean_text: Annotated[str, StringConstraints(max_length=2_000_000)] | None = None
    duplicate_of: Ref | None = None
    duplicate_similarity: Annotated[float, Field(ge=0, le=1, strict=True)] | None = None
    notes: LongText | None = None


class AssertionIn(Strict):
    key: Key | None = Field(default=None, description="Generated when left out")
    claim: Ref
    document: Ref
    stance: Stance = Stance.ASSERTS
    value: Value
    as_of: AsOf | None = None
    hedge: ShortText | None = Field(default=None, examples=["reportedly"])
    attribution: Attribution = Field(default_factory=Attribution)
    quote: Quote | None = None
    notes: LongText | None = None


class AssertionPatch(Strict):
    claim: Present[Ref] = None
    document: Present[Ref] = None
    stance: Present[Stance] = None
    value: Present[Value] = None
    as_of: AsOf | None = None
    hedge: ShortText | None = None
    attribution: Present[Attribution] = None
    quote: Quote | None = None
    notes: LongText | None = None


class RetractIn(Strict):
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, pattern=NOT_BLANK, max_length=2000),
    ]


# Bundle lines: the same shapes plus a ``type`` and, for assertions, their provenance.


class OutletRecord(OutletIn):
    type: Literal["outlet"]


class SourceRecord(SourceIn):
    type: Literal["source"]


class ClaimRecord(ClaimIn):
    type: Literal["claim"]


class DocumentRecord(DocumentIn):
    type: Literal["document"]
    key: Key
    outlet: Ref
    raw_text: Annotated[str, StringConstraints(max_length=2_000_000)] = ""
    raw_text_file: Annotated[str, StringConstraints(max_length=500)] | None = None


class AssertionRecord(AssertionIn):
    type: Literal["assertion"]
    key: Key
    created_by: Annotated[str, StringConstraints(min_length=1, max_length=200)] = "import"
    creator_kind: CreatorKind = CreatorKind.IMPORT
    status: AssertionStatus = AssertionStatus.ACTIVE


BundleRecord = Annotated[
    OutletRecord | SourceRecord | ClaimRecord | DocumentRecord | AssertionRecord,
    Field(discriminator="type"),
]
