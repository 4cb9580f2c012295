"""JSON lines on stderr for everything the app logs, each record naming its request.

python-json-logger rather than structlog: the app already logs through the stdlib
``logging`` API (``logging.getLogger(...)``), and a formatter keeps that one API; structlog
would add a second logging style for no gain at this size.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

APP_LOGGER = "provenance"
REQUEST_LOGGER = "provenance.requests"

# Set by the request middleware; a sync route runs in a worker thread with a copy of it.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is at each record, not as it was at set-up.

    Tests build many apps while pytest swaps ``sys.stderr``; a stream bound once would go
    stale (and ``capsys`` could not read the lines).
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _json_lines_handler() -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(
        JsonFormatter(
            "{levelname}{name}{message}",
            style="{",
            timestamp="time",
            rename_fields={"levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_RequestIdFilter())
    return handler


_HANDLER = _json_lines_handler()


def configure_logging(level: str) -> None:
    """Send the app's records (``provenance.*``) to stderr as JSON lines at ``level``.

    Idempotent: every app built in the process shares the one handler, so building many
    apps (as the tests do) never duplicates lines. The records do not propagate to the
    root logger, so a server that configures root logs each line once.
    """
    logger = logging.getLogger(APP_LOGGER)
    if _HANDLER not in logger.handlers:
        logger.addHandler(_HANDLER)
    logger.setLevel(level.upper())
    logger.propagate = False
