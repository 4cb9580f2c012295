"""What a document's stored text is made of, from its raw capture alone: the hash, the
derived text (an HTML capture's reader text, the spans that are not the article, the
clean text) and the near-duplicate fingerprint.

Nothing here reads the database, so a large import computes it in a worker process, ahead
of the batch that stores the document (``TextsAhead``), while the importer's own process
writes the batches before it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from app.domain.extract.clean import clean_capture, html_to_text, looks_like_html
from app.domain.similarity import Fingerprint, fingerprint


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derive_text(raw_text: str, clean_text: str | None = None) -> dict[str, Any]:
    """What a capture's text is made of: an HTML capture's reader text, the spans that
    are not the article (with why), and the cleaned article text."""
    html = looks_like_html(raw_text)
    plain = html_to_text(raw_text) if html else None
    cleaned = clean_capture(plain if plain is not None else raw_text)
    return {
        "content_type": "text/html" if html else "text/plain",
        "plain_text": plain,
        "clean_text": clean_text if clean_text is not None else cleaned.clean,
        "excluded_spans": [
            {"start": s.start, "end": s.end, "reason": s.reason.value} for s in cleaned.excluded
        ],
    }


def fingerprinted_text(raw_text: str, plain_text: str | None, clean_text: str | None) -> str:
    """The text a document's fingerprint is made of: its clean text, else the text a
    reader sees (``Document.text``)."""
    return clean_text or (plain_text if plain_text is not None else raw_text)


@dataclass(frozen=True, slots=True)
class DocumentText:
    sha256: str
    derived: dict[str, Any]  # derive_text's columns
    fingerprint: Fingerprint | None


def document_text(raw_text: str, clean_text: str | None = None) -> DocumentText:
    derived = derive_text(raw_text, clean_text)
    found = fingerprint(fingerprinted_text(raw_text, derived["plain_text"], derived["clean_text"]))
    return DocumentText(text_sha256(raw_text), derived, found)


def _document_texts(texts: Sequence[tuple[str, str | None]]) -> list[DocumentText]:
    return [document_text(raw, clean) for raw, clean in texts]


_CHUNK = 16  # documents per request: few enough to stay ahead, enough to amortise one


class TextsAhead:
    """Documents' texts computed in one worker process, in the order they are given.

    ``give`` each document as it is read, ``take`` it when its batch is stored: by then
    the worker has usually done it. The worker starts once ``start_after`` documents have
    been given (a small import does not pay for a process), and never on one CPU. Without
    a worker, or if it fails, ``take`` computes the text itself: the same result.

    The worker is ``python -m app.services.document_text``, fed pickled requests on its
    stdin (not ``multiprocessing``, whose fresh interpreters import the caller's main
    script again: a script without a main guard would run twice). A thread reads its
    answers, so neither side waits on a full pipe.
    """

    def __init__(self, start_after: int | None) -> None:
        self.start_after = start_after
        self.seen = 0
        self.worker: subprocess.Popen[bytes] | None = None
        self.reader: threading.Thread | None = None
        self.asked: deque[Future[list[DocumentText]]] = deque()  # answers to come, in order
        self.waiting: list[tuple[int, str, str | None]] = []  # given, not yet asked
        self.sent: dict[int, tuple[Future[list[DocumentText]], int]] = {}

    def __enter__(self) -> TextsAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop(wait=error is None)

    def give(self, key: int, raw_text: str, clean_text: str | None) -> None:
        """Queue the text of the document known by ``key``: its line, as keys rise."""
        self.seen += 1
        if self.worker is None and not self._start():
            return
        self.waiting.append((key, raw_text, clean_text))
        if len(self.waiting) >= _CHUNK:
            self._ask()

    def take(self, key: int, raw_text: str, clean_text: str | None) -> DocumentText:
        """The text of the document given as ``key``, or computed now if it was not."""
        if any(k == key for k, _, _ in self.waiting):
            self._ask()
        sent = self.sent.pop(key, None)
        if sent is not None:
            future, at = sent
            try:
                return future.result(timeout=_PATIENCE)[at]
            except Exception:  # a broken worker (or text): computed here from now on
                self._stop(wait=False)
        return document_text(raw_text, clean_text)

    def done(self, through: int) -> None:
        """Forget the texts given as keys up to ``through`` that were not taken (a batch
        stored record by record computes its documents' texts itself)."""
        for key in [k for k in self.sent if k <= through]:
            del self.sent[key]

    def _start(self) -> bool:
        if self.start_after is None or self.seen <= self.start_after:
            return False
        self.start_after = None  # one try
        if len(os.sched_getaffinity(0)) < 2:
            return False
        root = str(Path(__file__).resolve().parents[2])  # where ``app`` is importable
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self.worker = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=os.environ | {"PYTHONPATH": path},
        )
        self.reader = threading.Thread(
            target=self._read, args=(self.worker.stdout,), name="texts-ahead", daemon=True
        )
        self.reader.start()
        return True

    def _ask(self) -> None:
        chunk = [(raw, clean) for _, raw, clean in self.waiting]
        future: Future[list[DocumentText]] = Future()
        self.asked.append(future)
        requests = self.worker.stdin if self.worker is not None else None
        try:
            assert requests is not None
            pickle.dump(chunk, requests, protocol=pickle.HIGHEST_PROTOCOL)
            requests.flush()
        except Exception:  # a broken worker: texts are computed here from now on
            self._stop(wait=False)
            return
        for at, (key, _, _) in enumerate(self.waiting):
            self.sent[key] = (future, at)
        self.waiting = []

    def _read(self, answers: BinaryIO) -> None:
        """The reader thread: each answer completes the oldest request."""
        try:
            while True:
                texts = pickle.load(answers)
                self.asked.popleft().set_result(texts)
        except BaseException as exc:  # end of the answers: whoever still waits is told
            while self.asked:
                self.asked.popleft().set_exception(exc)

    def _stop(self, *, wait: bool) -> None:
        worker, self.worker = self.worker, None
        self.start_after = None  # not started again
        self.waiting = []
        self.sent.clear()
        if worker is None:
            return
        with suppress(OSError):
            assert worker.stdin is not None
            worker.stdin.close()  # the worker ends at the end of its input
        if not wait:
            worker.kill()
        worker.wait()
        if self.reader is not None:
            self.reader.join()
        assert worker.stdout is not None
        worker.stdout.close()


_PATIENCE = 600  # seconds to wait for one answer before computing the texts here


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The worker: answer each pickled list of (raw text, clean text) until the input ends."""
    while True:
        try:
            texts = pickle.load(requests)
        except EOFError:
            return
        pickle.dump(_document_texts(texts), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":  # the worker, run as ``python -m app.services.document_text``
    # From the module by its name, so that answers pickle as its DocumentText.
    from app.services.document_text import _serve as serve

    serve(sys.stdin.buffer, sys.stdout.buffer)


__all__ = [
    "DocumentText",
    "TextsAhead",
    "derive_text",
    "document_text",
    "fingerprinted_text",
    "text_sha256",
]
