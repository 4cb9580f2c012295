"""The OpenAPI document is complete: every operation says what it does, what it answers
and how it fails, with examples from the seed data that still fit the models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import TypeAdapter

from app.api import examples
from app.config import Settings
from app.main import create_app

APP = create_app(Settings(database_url="sqlite://"))
DOCUMENT = APP.openapi()
METHODS = {"get", "post", "put", "patch", "delete"}
ROUTES = {
    examples.operation_key(route, method): route
    for route in examples.api_routes(APP.routes)
    if route.include_in_schema
    for method in route.methods
}
# Operations that answer or are down: no error response of their own to document.
NO_ERRORS = {
    "GET /health": "200 or the process is down",
    "GET /ping": "a constant answer",
    "GET /metrics": "plain text, always",
}


def _operations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", op)
        for path, item in DOCUMENT["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


OPERATIONS = _operations()


def _json_success(op: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        body["content"]["application/json"]
        for status, body in op["responses"].items()
        if status.startswith("2") and "application/json" in body.get("content", {})
    ]


def test_every_operation_is_described_tagged_and_typed():
    lacking = []
    for key, op in OPERATIONS:
        for field in ("summary", "description", "tags"):
            if not op.get(field):
                lacking.append(f"{key}: no {field}")
        errors = [s for s in op["responses"] if s[0] in "45"]
        if not errors and key not in NO_ERRORS:
            lacking.append(f"{key}: no documented error response")
        for media in _json_success(op):
            if not media.get("schema"):
                lacking.append(f"{key}: an untyped response")
    assert not lacking, "\n".join(lacking)


def test_every_json_body_and_success_has_an_example():
    lacking = []
    for key, op in OPERATIONS:
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None and not (body.get("examples") or body.get("example")):
            lacking.append(f"{key}: request body")
        for media in _json_success(op):
            if not (media.get("examples") or media.get("example")):
                lacking.append(f"{key}: response")
    assert not lacking, "\n".join(lacking)


@pytest.mark.parametrize("key", sorted(examples.load()))
def test_each_example_fits_its_model(key):
    """The examples are validated by the route's own request and response models, as the
    API validates bodies and answers: a schema change that breaks one fails here (then
    `python -m tests.api.make_examples` makes them again from the seeds)."""
    assert key in ROUTES, f"{key}: no such operation"
    route, example = ROUTES[key], examples.load()[key]
    if "request" in example:
        assert route.body_field is not None, f"{key} takes no body"
        body = TypeAdapter(route.body_field.field_info.annotation)
        body.validate_json(json.dumps(example["request"]["value"]))
    if "response" in example:
        answer = TypeAdapter(route.response_model)
        value = example["response"]["value"]
        assert answer.dump_python(answer.validate_json(json.dumps(value)), mode="json") == value


def test_examples_come_from_the_seeds():
    found = examples.load()
    claim = found["POST /claims"]["request"]["value"]
    assert claim["slug"] == "nk-sappers-sent-to-kursk"
    assert found["POST /documents"]["request"]["value"]["outlet"] == "sputnik"
    assert found["GET /sources/{ref}"]["response"]["value"]["slug"] == "tass"
    post = DOCUMENT["paths"]["/claims"]["post"]
    shown = post["requestBody"]["content"]["application/json"]["examples"]["seed"]["value"]
    assert shown == claim


def test_the_web_views_stay_out_of_the_document():
    assert not [path for path in DOCUMENT["paths"] if path.startswith("/ui")]
