"""Retries: 429 and 503 are retried with backoff, Retry-After is honoured, attempts are
bounded. Against the real app: its write rate limit, and /ready on an unmigrated database."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.client import NO_RETRY, AsyncClient, Client, ProblemError, RetryPolicy
from app.client.retry import retry_after_seconds
from app.config import Settings
from app.main import create_app
from tests.live_api import LIVE_WRITE_LIMIT, LiveApi

BURST = int(LIVE_WRITE_LIMIT.split("/")[0])
policies = st.builds(
    RetryPolicy,
    attempts=st.integers(1, 10),
    backoff=st.floats(0, 10),
    max_wait=st.floats(0, 120),
)


@given(policies, st.integers(1, 20))
def test_waits_are_bounded_and_stop_after_the_last_attempt(
    policy: RetryPolicy, attempt: int
) -> None:
    wait = policy.wait(attempt)
    if attempt >= policy.attempts:
        assert wait is None
    else:
        assert wait is not None
        assert 0 <= wait <= policy.max_wait


@given(policies, st.integers(1, 8))
def test_backoff_never_shrinks_from_one_retry_to_the_next(
    policy: RetryPolicy, attempt: int
) -> None:
    now, later = policy.wait(attempt), policy.wait(attempt + 1)
    if later is not None:
        assert now is not None
        assert later >= now


@given(policies, st.integers(1, 5), st.integers(0, 200))
def test_retry_after_is_the_wait_when_the_policy_allows_it(
    policy: RetryPolicy, attempt: int, seconds: int
) -> None:
    wait = policy.wait(attempt, str(seconds))
    if attempt >= policy.attempts or seconds > policy.max_wait:
        assert wait is None  # not waited for: raised at once
    else:
        assert wait == seconds


@given(st.integers(0, 10_000))
def test_retry_after_reads_http_dates(seconds: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=seconds), usegmt=True)
    assert retry_after_seconds(header, now) == seconds
    assert retry_after_seconds("soon") is None


def _burst(api: Client) -> ProblemError:
    """Writes (refused, but counted: the limit runs first) until the limit answers 429."""
    for _ in range(BURST * 3):
        with pytest.raises(ProblemError) as refused:
            api.outlets.create({"slug": "x", "name": "x"})
        if refused.value.status == 429:
            return refused.value
    pytest.fail(f"no 429 after {BURST * 3} writes under {LIVE_WRITE_LIMIT}")


def test_past_the_write_limit_the_client_waits_retry_after_and_retries(
    live_api: LiveApi, caplog: pytest.LogCaptureFixture
) -> None:
    key = f"not-a-key-{uuid.uuid4().hex}"  # the limit counts per key, before authentication
    with Client(live_api.url, api_key=key, retry=NO_RETRY) as once:
        limited = _burst(once)
    assert limited.type == "urn:provenance:problem:rate-limited"
    assert limited.retry_after is not None
    wait = int(limited.retry_after)
    assert wait >= 1

    caplog.set_level(logging.WARNING, logger="app.client")
    with Client(live_api.url, api_key=key, retry=RetryPolicy(attempts=3, max_wait=5)) as api:
        started = time.monotonic()
        with pytest.raises(ProblemError) as answered:
            api.outlets.create({"slug": "x", "name": "x"})
        elapsed = time.monotonic() - started
    # Retried once the window moved on: the server then answered the write itself.
    assert answered.value.status == 401
    assert any("429; retry 1" in r.getMessage() for r in caplog.records)
    assert elapsed >= wait * 0.5


def test_a_retry_after_beyond_the_longest_wait_is_raised_at_once(live_api: LiveApi) -> None:
    key = f"not-a-key-{uuid.uuid4().hex}"
    with Client(live_api.url, api_key=key, retry=RetryPolicy(attempts=5, max_wait=0.1)) as api:
        limited = _burst(api)
    assert limited.status == 429


@pytest.mark.anyio
async def test_the_async_client_retries_too(
    live_api: LiveApi, caplog: pytest.LogCaptureFixture
) -> None:
    key = f"not-a-key-{uuid.uuid4().hex}"
    caplog.set_level(logging.WARNING, logger="app.client")
    async with AsyncClient(live_api.url, api_key=key, retry=RetryPolicy(max_wait=5)) as api:
        statuses = []
        for _ in range(BURST + 1):
            with pytest.raises(ProblemError) as refused:
                await api.outlets.create({"slug": "x", "name": "x"})
            statuses.append(refused.value.status)
    assert set(statuses) == {401}  # every 429 on the way was waited out and retried
    assert any("429; retry" in r.getMessage() for r in caplog.records)


@pytest.mark.anyio
async def test_a_server_that_stays_unready_is_retried_a_bounded_number_of_times(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'unmigrated.db'}"))
    transport = httpx.ASGITransport(app=app)
    caplog.set_level(logging.WARNING, logger="app.client")
    policy = RetryPolicy(attempts=3, backoff=0.05)
    try:
        async with AsyncClient("http://testserver", transport=transport, retry=policy) as api:
            started = time.monotonic()
            with pytest.raises(ProblemError) as unready:
                await api.ready()
            elapsed = time.monotonic() - started
    finally:
        app.state.engine.dispose()
    assert unready.value.status == 503
    assert unready.value.type == "urn:provenance:problem:not-migrated"
    assert "provenance migrate" in unready.value.detail
    retries = [r for r in caplog.records if "503; retry" in r.getMessage()]
    assert len(retries) == policy.attempts - 1
    assert elapsed >= 0.05 + 0.1  # the backoff doubled between the two retries
