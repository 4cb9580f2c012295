"""Problem details from the API, raised as one exception that carries every field."""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from app.schemas.problem import FieldError, Problem


class ProblemError(Exception):
    """The API refused or failed a request: its RFC 9457 problem details, as attributes.

    ``status``, ``title``, ``detail`` and ``type`` are always set; ``field`` and
    ``errors`` name the input at fault on a 422; ``retry_after`` is the seconds the
    server asked to wait (429, 503) when it said so.
    """

    def __init__(self, problem: Problem, *, retry_after: str | None = None) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.status = problem.status
        self.title = problem.title
        self.detail = problem.detail
        self.type = problem.type
        self.instance = problem.instance
        self.field = problem.field
        self.errors: list[FieldError] = problem.errors or []
        self.request_id = problem.request_id
        self.retry_after = retry_after

    @classmethod
    def from_response(cls, response: httpx.Response) -> ProblemError:
        """Read a problem-details body; a body that is not one (a proxy's HTML page, say)
        still gives an error with the status and the start of the text."""
        try:
            problem = Problem.model_validate_json(response.content)
        except ValidationError:
            problem = Problem(
                type="about:blank",
                title=response.reason_phrase or "HTTP error",
                status=response.status_code,
                detail=response.text[:500],
                instance=response.request.url.path,
                request_id=response.headers.get("X-Request-ID"),
            )
        return cls(problem, retry_after=response.headers.get("Retry-After"))
