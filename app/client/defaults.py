"""Where the client connects and what it sends with every request."""

from __future__ import annotations

from collections.abc import Mapping

from app import __version__

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_PAGE_SIZE = 500  # the API's largest page: fewest round trips when iterating


def client_headers(api_key: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    """The key as a Bearer token, and a User-Agent naming the client."""
    headers = {"User-Agent": f"provenance-client/{__version__}", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers | dict(extra or {})
