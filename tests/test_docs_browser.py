"""The docs pages render in a real browser with no network: their scripts come from the
package, not a CDN."""

from __future__ import annotations

import re

import pytest

from tests.browser import find_chromium, rendered_dom
from tests.live import seeded_server


def _external_assets(page: str, served: str) -> list[str]:
    """Scripts, stylesheets and images the page loads from anywhere but the server itself.
    (The word "cdn" may well appear in the page: the examples quote captured articles.)"""
    sources = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', page)
    return [s for s in sources if re.match(r"(https?:)?//", s) and not s.startswith(served)]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with seeded_server(tmp_path_factory.mktemp("docs") / "docs.db") as base:
        yield base


def test_swagger_ui_lists_the_operations(served):
    page = rendered_dom(find_chromium(), f"{served}/docs")
    assert not _external_assets(page, served)
    assert "opblock-summary" in page  # Swagger UI ran and drew its operations
    summaries = ("Create an assertion", "Consensus", "Propose (and accept)", "Create an API key")
    for summary in summaries:
        assert summary in page, summary


def test_redoc_lists_the_operations(served):
    page = rendered_dom(find_chromium(), f"{served}/redoc")
    assert "Create an assertion" in page
    assert not _external_assets(page, served)
