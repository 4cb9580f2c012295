"""Extraction: from a captured article to candidate assertions with anchored quotes.

- ``html``: an HTML capture's reader text (trafilatura)
- ``lines``, ``clean``: what in a capture is the article, and what is set aside and why
- ``sentences``, ``units``, ``attribution``: the evidence around a figure
- ``candidates``: every figure of the article as a candidate assertion
- ``match``: the stored claim a candidate most likely reports

Pure Python, like the rest of the domain: the services store and accept candidates.
"""

EXTRACTOR_VERSION = "provenance-extract/1.0"
