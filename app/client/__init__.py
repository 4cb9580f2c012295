"""A typed Python client for the provenance API, sync (``Client``) and async (``AsyncClient``).

Answers are parsed into the API's own pydantic models (``app.schemas``); errors are raised
as ``ProblemError`` carrying the problem details; 429 and 503 are retried with backoff.
"""

from app.client.aio import AsyncClient
from app.client.calls import etag
from app.client.errors import ProblemError
from app.client.retry import NO_RETRY, RetryPolicy
from app.client.sync import Client

__all__ = ["NO_RETRY", "AsyncClient", "Client", "ProblemError", "RetryPolicy", "etag"]
