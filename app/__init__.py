"""provenance: a claim-and-source provenance tracker."""

__version__ = "0.1.0"
