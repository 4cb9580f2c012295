"""The docs pages render in a real browser with no network: their scripts come from the
package, not a CDN."""

from __future__ import annotations

import pytest

from tests.browser import find_chromium, rendered_dom
from tests.live import seeded_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with seeded_server(tmp_path_factory.mktemp("docs") / "docs.db") as base:
        yield base


def test_swagger_ui_lists_the_operations(served):
    page = rendered_dom(find_chromium(), f"{served}/docs")
    assert "cdn" not in page.lower()
    assert "opblock-summary" in page  # Swagger UI ran and drew its operations
    summaries = ("Create an assertion", "Consensus", "Propose (and accept)", "Create an API key")
    for summary in summaries:
        assert summary in page, summary


def test_redoc_lists_the_operations(served):
    page = rendered_dom(find_chromium(), f"{served}/redoc")
    assert "Create an assertion" in page
    assert "cdn" not in page.lower()
