"""The processes a crash test starts and kills, each by its own id: the server, and
`provenance` commands whose progress bar is read through a pseudo-terminal."""

from __future__ import annotations

import errno
import os
import pty
import re
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

# What the progress bar of `import` and `seed` shows: "importing FILE ━━━━ 412/1290 lines".
PROGRESS = re.compile(rb"(\d+)/(\d+)(?:\x1b\[[0-9;]*m)* lines")  # colour codes may end "n/m"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def start(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """Start a `provenance` command; ``finish`` waits for it."""
    return subprocess.Popen(
        command(*args), env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def finish(process: subprocess.Popen[str], timeout: float) -> str:
    """Wait for a started command to succeed; its standard output."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, f"{process.args!r} failed:\n{err}"
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`provenance serve` on 127.0.0.1; its log goes to a file (an unread pipe would fill
    up and stall it)."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.log = folder / f"server-{port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command("serve", "--host", "127.0.0.1", "--port", str(port)), env=env,
                cwd=folder, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_until_healthy(self, timeout: float = 30) -> dict[str, Any]:
        """The body of the first 200 from /health."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = httpx.get(f"{self.base_url}/health", timeout=1)
                if answer.status_code == 200:
                    body: dict[str, Any] = answer.json()
                    return body
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"the server did not come up within {timeout} s:\n{self.log.read_text()}"
                )
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class HeldBundle:
    """A bundle file that a command waits on, before it has touched the database, until
    ``release``.

    The file is a named pipe until then: opening it to read blocks. Once the command has
    it open, a plain file with the same content takes its name, so any later opening (on
    a terminal `import` reads the bundle twice: to count its lines, then to import them)
    reads that one; the first reading gets the content through the pipe.
    """

    def __init__(self, path: Path, content: bytes) -> None:
        self.path = path
        self._content = content
        self._plain = path.with_name(path.name + ".plain")
        self._plain.write_bytes(content)
        os.mkfifo(path)
        self._stopped = threading.Event()
        self._feeder = threading.Thread(target=self._feed, daemon=True)

    def release(self) -> None:
        self._feeder.start()

    def _feed(self) -> None:
        while True:
            try:  # refused (ENXIO) until the command has the pipe open to read
                pipe = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO or self._stopped.is_set():
                    return
                time.sleep(0.01)
        os.replace(self._plain, self.path)
        os.set_blocking(pipe, True)
        left = memoryview(self._content)
        try:
            while left:  # as fast as the command reads it
                left = left[os.write(pipe, left) :]
        except BrokenPipeError:  # the command was killed while reading
            pass
        finally:
            os.close(pipe)

    def close(self) -> None:
        self._stopped.set()
        if self._feeder.is_alive():
            self._feeder.join(timeout=10)


def start_with_server(
    args: list[str],
    held: HeldBundle,
    env: dict[str, str],
    command_env: dict[str, str],
    folder: Path,
) -> tuple[Server, WatchedCommand]:
    """The server and a command that reads ``held`` started at once (each takes seconds
    to import the app); the command gets its bundle once the server answers /health, so
    it does all of its writing while the server serves.

    Not held by stopping it (SIGSTOP) instead: a process stopped while it opens an SQLite
    database in WAL mode can keep the locks of the shared-memory index, and the server's
    first connection then fails with "locking protocol" after ten seconds of retries.
    """
    server = Server(env, folder)
    watched: WatchedCommand | None = None
    try:
        watched = WatchedCommand(args, command_env, folder)
        server.wait_until_healthy(timeout=60)
        held.release()
        return server, watched
    except BaseException:
        if watched is not None:
            watched.close()
        server.stop()
        raise


class WatchedCommand:
    """A `provenance` command whose standard error is a terminal, so that it draws its
    progress bar; ``wait_for_line`` reads how far it has got."""

    def __init__(self, args: list[str], env: dict[str, str], folder: Path) -> None:
        # rich draws the bar on a terminal it believes in; its width keeps "n/m lines" whole.
        quirks = {"NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR"}
        env = {k: v for k, v in env.items() if k not in quirks}
        env |= {"TERM": "xterm", "COLUMNS": "200", "LINES": "40"}
        self._terminal, child_end = pty.openpty()
        try:
            self.process = subprocess.Popen(
                command(*args), env=env, cwd=folder, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=child_end,
            )  # fmt: skip
        finally:
            os.close(child_end)
        self._output = bytearray()
        self.line = 0  # the line of the bundle the progress bar last showed as done
        self.total: int | None = None

    def wait_for_line(self, line: int, timeout: float) -> int:
        """Read the progress bar until it shows ``line`` or more done; the line shown,
        which is less when the command ended first."""
        deadline = time.monotonic() + timeout
        while self.line < line:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"the command showed {self.line}/{self.total} lines done after {timeout} s, "
                    f"not {line}:\n{self.output}"
                )
            if not self._read(min(remaining, 0.2)):
                break  # the terminal closed: the command has ended
        return self.line

    def _read(self, timeout: float) -> bool:
        """Read what the command drew within ``timeout``; False once the terminal closed."""
        ready, _, _ = select.select([self._terminal], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._terminal, 65536)
        except OSError:  # EIO: no process holds the terminal any more
            return False
        if not chunk:
            return False
        self._output += chunk
        shown = PROGRESS.findall(self._output[-4096:])
        if shown:
            self.line, self.total = int(shown[-1][0]), int(shown[-1][1])
        return True

    @property
    def output(self) -> str:
        return ANSI.sub("", self._output.decode("utf-8", "replace"))

    def kill(self) -> None:
        self.process.kill()  # SIGKILL, stopped or not
        self.process.wait(timeout=10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        os.close(self._terminal)
