"""Errors the domain and services raise; ``app.api.errors`` turns them into problem details."""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class: ``detail`` is a sentence an analyst can act on."""

    title = "Request failed"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class NotFound(ProvenanceError):
    title = "Not found"


class Gone(ProvenanceError):
    """The record existed and was soft-deleted."""

    title = "Deleted"


class AlreadyExists(ProvenanceError):
    title = "Already exists"


class InUse(ProvenanceError):
    """The record cannot be deleted while others still refer to it."""

    title = "Still referenced"


class NotDeleted(ProvenanceError):
    """Restore or purge of a record that is live: only a deleted record can be either."""

    title = "Not deleted"


class DeletedReference(ProvenanceError):
    """Restoring the record would leave it pointing at a record that is still deleted."""

    title = "Refers to a deleted record"


class PreconditionFailed(ProvenanceError):
    """The record changed since the version the caller read (optimistic locking)."""

    title = "Precondition failed"


class InvalidInput(ProvenanceError):
    """Well-formed input that breaks a rule of the domain (a value, a quote, a reference)."""

    title = "Invalid input"


class BundleError(InvalidInput):
    """A bundle line that cannot be imported; ``line`` is 1-based."""

    title = "Invalid bundle"

    def __init__(self, detail: str, *, line: int, field: str | None = None) -> None:
        super().__init__(f"line {line}: {detail}", field=field)
        self.line = line
