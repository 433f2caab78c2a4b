"""Headless Chromium for the tests, driven through the DevTools protocol over a pipe.

``--remote-debugging-pipe`` needs no extra Python package and opens no port. The
report tests, the study-page tests and the app test share this driver.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    message = "Chromium not found (.ci/run installs Debian's chromium: apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class DevTools:
    """Headless Chromium driven through the DevTools protocol over a pipe (fds 3 and 4)."""

    FLAGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--mute-audio",
        "--remote-debugging-pipe",
    )

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="offshore-chromium-")
        child_in, self._out = os.pipe()
        self._in, child_out = os.pipe()

        def wire() -> None:  # in the child: the protocol's fds 3 (commands) and 4 (replies)
            a, b = os.dup(child_in), os.dup(child_out)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [executable, *self.FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=wire,
        )
        os.close(child_in)
        os.close(child_out)
        self._buffer = b""
        self._id = 0
        self.events: list[dict] = []

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer")
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium exited with status {self.proc.poll()}")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                return event
        while True:
            event = self._receive(deadline)
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return event

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._out)
        os.close(self._in)
        shutil.rmtree(self.profile, ignore_errors=True)


IMAGES = """Promise.all(Array.from(document.images).map(async (img) => {
    let decoded = true;
    try { await img.decode(); } catch (e) { decoded = false; }
    return {decoded, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight};
}))"""


REPORT_SELECTORS = ("h1", "#summary li", "footer p")


def open_in_chromium(
    browser: DevTools,
    html: Path,
    selectors: tuple[str, ...] = REPORT_SELECTORS,
    viewport: tuple[int, int] | None = None,
    evaluate: dict[str, str] | None = None,
) -> dict:
    """Load ``html``; return its images, console errors, requests, the fonts used by the
    first element of each CSS selector, and the value of each ``evaluate`` expression
    (by name). ``viewport`` (width, height) emulates a window of that size."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network", "DOM", "CSS"):
        browser.call(f"{domain}.enable", session=session)
    if viewport is not None:
        metrics = {"width": viewport[0], "height": viewport[1], "deviceScaleFactor": 1, "mobile": False}
        browser.call("Emulation.setDeviceMetricsOverride", metrics, session=session)
    browser.call("Page.navigate", {"url": html.resolve().as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session)

    def value(expression: str, promise: bool = False):
        params = {"expression": expression, "awaitPromise": promise, "returnByValue": True}
        return browser.call("Runtime.evaluate", params, session=session)["result"]["value"]

    images = value(IMAGES, promise=True)
    evaluated = {name: value(expression) for name, expression in (evaluate or {}).items()}
    root = browser.call("DOM.getDocument", session=session)["root"]["nodeId"]
    fonts = {}
    for selector in selectors:
        node = browser.call("DOM.querySelector", {"nodeId": root, "selector": selector}, session=session)["nodeId"]
        assert node, f"no element matches {selector!r}"
        fonts[selector] = browser.call("CSS.getPlatformFontsForNode", {"nodeId": node}, session=session)["fonts"]
    mine = [e for e in browser.events if e.get("sessionId") == session]
    errors = [
        e
        for e in mine
        if e["method"] in ("Runtime.exceptionThrown", "Network.loadingFailed")
        or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    requests = [e["params"]["request"]["url"] for e in mine if e["method"] == "Network.requestWillBeSent"]
    browser.call("Target.closeTarget", {"targetId": target})
    return {"images": images, "errors": errors, "requests": requests, "fonts": fonts, **evaluated}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving_app(*args: str, cwd: Path, timeout: float = 90) -> Iterator[str]:
    """``offshore app ARGS`` on a free port, started in ``cwd``; yields its URL once it
    listens, and stops it afterwards. A server that exits or does not listen within
    ``timeout`` seconds is a ``RuntimeError`` carrying the end of its output."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "model.cli", "app", "--port", str(port), *args],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"offshore app did not start: {log.read()[-2000:]}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(15)
