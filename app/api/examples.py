"""Request and response examples in the OpenAPI document, drawn from the seed data.

The examples live in ``examples.json`` beside this module, keyed ``"METHOD /path"``. They
are made from the seed bundle and a seeded database by ``python -m tests.api.make_examples``
(run it again after changing a schema) and checked against the routes' own models by
tests/api/test_openapi_document.py, so they cannot drift from what the API accepts and says.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

EXAMPLES_FILE = Path(__file__).with_name("examples.json")


@functools.cache
def load() -> dict[str, dict[str, Any]]:
    """``{"POST /claims": {"request": {...}, "response": {...}}, ...}``."""
    if not EXAMPLES_FILE.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return data


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route of an app, through the routers it includes."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def operation_key(route: APIRoute, method: str) -> str:
    return f"{method} {route.path_format}"


def install(app: FastAPI) -> None:
    """Attach each operation's examples to its request body and its success response."""
    examples = load()
    for route in api_routes(app.routes):
        for method in sorted(route.methods or ()):
            found = examples.get(operation_key(route, method))
            if not found:
                continue
            extra: dict[str, Any] = {}
            if "request" in found:
                extra["requestBody"] = {
                    "content": {"application/json": {"examples": _named(found["request"])}}
                }
            if "response" in found:
                status = str(route.status_code or 200)
                extra["responses"] = {
                    status: {
                        "content": {"application/json": {"examples": _named(found["response"])}}
                    }
                }
            route.openapi_extra = {**(route.openapi_extra or {}), **extra}


def _named(example: dict[str, Any]) -> dict[str, Any]:
    return {"seed": {"summary": example["summary"], "value": example["value"]}}
