"""Headless Chromium (Debian's `chromium` package) for tests of what a person sees.

In CI (`CI=true`) a missing Chromium is installed with apt-get (as root) and its absence
is a failure; elsewhere the browser tests are skipped with a message saying how to
enable them.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

INSTALL = ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", "chromium"]
ENABLE = "install Debian's chromium (`apt-get install chromium`) to run the browser tests"


def find_chromium() -> str:
    """The Chromium executable; installs it in CI, skips the test elsewhere."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI", "").lower() != "true":
        pytest.skip(f"headless Chromium is not installed: {ENABLE}")
    if os.geteuid() != 0:
        pytest.fail(f"CI needs headless Chromium and cannot install it without root: {ENABLE}")
    # Test workers (pytest-xdist) may get here together: one installs, the others wait
    # for it and find what it installed.
    with open(Path(tempfile.gettempdir()) / "provenance-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shutil.which("chromium"):
            try:
                _apt(INSTALL)
            except subprocess.CalledProcessError:  # no package lists yet on a new machine
                _apt(["apt-get", "update", "-q"])
                _apt(INSTALL)
    found = shutil.which("chromium")
    if not found:
        pytest.fail(f"`{' '.join(INSTALL)}` did not provide chromium")
    return found


def _apt(command: list[str]) -> None:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=900)


def _run(chromium: str, *args: str, timeout: float = 60) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout, check=True,
        )  # fmt: skip
    return done.stdout


def rendered_dom(chromium: str, url: str, *, budget_ms: int = 8000) -> str:
    """The page's DOM after its scripts ran (up to ``budget_ms`` of virtual time)."""
    return _run(chromium, f"--virtual-time-budget={budget_ms}", "--dump-dom", url)


def screenshot(chromium: str, url: str, path: Path, *, size: str = "1280,900") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _run(chromium, "--virtual-time-budget=5000", f"--window-size={size}",
         "--hide-scrollbars", f"--screenshot={path}", url)  # fmt: skip
    return path


def dom_and_screenshot(
    chromium: str, url: str, path: Path, *, size: str = "1280,900", budget_ms: int = 3000
) -> str:
    """One browser run: the page's DOM after its scripts ran, and a screenshot at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return _run(chromium, f"--virtual-time-budget={budget_ms}", f"--window-size={size}",
                "--hide-scrollbars", f"--screenshot={path}", "--dump-dom", url)  # fmt: skip
