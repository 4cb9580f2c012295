"""When to retry: 429 and 503 answers, with exponential backoff that honours Retry-After."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date
    (RFC 9110 10.2.3); None when absent or unreadable. A date in the past is 0.

    >>> retry_after_seconds("3")
    3.0
    >>> now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    >>> retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now)
    10.0
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: ``attempts`` tries in all (the first included).

    The wait before retry ``n`` (1-based) is ``backoff * 2 ** (n - 1)`` seconds, at most
    ``max_wait``; when the server says ``Retry-After``, that is the wait instead. A
    Retry-After longer than ``max_wait`` is not waited for: the error is raised at once.
    """

    attempts: int = 4
    backoff: float = 0.5
    max_wait: float = 30.0

    def wait(self, attempt: int, retry_after: str | None = None) -> float | None:
        """Seconds to wait after failed try number ``attempt`` (1-based); None: give up.

        >>> RetryPolicy(attempts=3, backoff=0.5).wait(1), RetryPolicy(attempts=3).wait(2, "7")
        (0.5, 7.0)
        >>> RetryPolicy(attempts=3).wait(3) is None
        True
        """
        if attempt >= self.attempts:
            return None
        told = retry_after_seconds(retry_after)
        if told is not None:
            return told if told <= self.max_wait else None
        return float(min(self.max_wait, self.backoff * 2 ** min(attempt - 1, 60)))


NO_RETRY = RetryPolicy(attempts=1)
