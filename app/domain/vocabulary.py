"""The closed vocabularies of the domain model (DESIGN.md "Domain model").

Each is a ``StrEnum`` so the value stored in the database, sent over the API and
written in a bundle is the same lower-case word an analyst reads.
"""

from __future__ import annotations

from enum import StrEnum


class OutletKind(StrEnum):
    STATE_MEDIA = "state_media"
    WIRE = "wire"
    AGGREGATOR = "aggregator"
    INDEPENDENT = "independent"
    GOVERNMENT = "government"
    OTHER = "other"


class SourceKind(StrEnum):
    """Who a figure is ultimately attributed to."""

    PERSON = "person"  # Shoigu, a lawmaker
    AGENCY = "agency"  # KCNA, TASS, South Korea's NIS
    BODY = "body"  # Russian General Staff, a ministry, a parliament
    OUTLET = "outlet"  # an outlet speaking in its own voice
    OTHER = "other"


class ValueType(StrEnum):
    QUANTITY = "quantity"
    DATE = "date"
    TEXT = "text"


class Behavior(StrEnum):
    """How time matters when two assertions of a claim are compared."""

    FIXED = "fixed"  # one true value, time does not matter
    SNAPSHOT = "snapshot"  # a value at a time; compare only overlapping windows
    CUMULATIVE = "cumulative"  # a running total that can only grow


class Stance(StrEnum):
    ASSERTS = "asserts"
    DENIES = "denies"
    UNDISCLOSED = "undisclosed"  # "not disclosed": listed, never compared


class Qualifier(StrEnum):
    EXACT = "exact"  # "1,000"           [x, x]
    APPROXIMATELY = "approximately"  # "some 42,400"  [x(1-t), x(1+t)]
    AT_LEAST = "at_least"  # "at least x"      [x, +inf)
    MORE_THAN = "more_than"  # "over x"         (x, +inf)
    AT_MOST = "at_most"  # "up to x"           [0, x]
    LESS_THAN = "less_than"  # "fewer than x"   [0, x)
    RANGE = "range"  # "between x and y"       [x, y]
    VAGUE = "vague"  # "thousands"             from the vague lexicon


class AssertionStatus(StrEnum):
    ACTIVE = "active"
    RETRACTED = "retracted"
    SUPERSEDED = "superseded"


class Precision(StrEnum):
    """How precisely a date or time is known; a window covers the whole unit."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"
    SECOND = "second"


class CreatorKind(StrEnum):
    PERSON = "person"
    EXTRACTOR = "extractor"
    IMPORT = "import"


class Role(StrEnum):
    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"


class RevisionAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESTORE = "restore"
    PURGE = "purge"
