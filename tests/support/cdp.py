"""A tiny Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (standard library only).

Chromium reads commands from fd 3 and writes replies and events to fd 4: JSON
messages separated by NUL bytes.  This is all the browser tests need: open a
page, collect network requests, console messages and exceptions, evaluate a
script, take screenshots and print to PDF.

    with Browser() as browser:
        page = browser.open(path.as_uri(), width=1366, height=900)
        page.evaluate("document.title")
        page.screenshot(Path("shot.png"))
        page.requests, page.console, page.exceptions
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--no-default-browser-check",
         "--disable-extensions", "--remote-debugging-pipe"]
# No name resolves and every connection goes to a closed local port: a request
# the page should never make cannot leave the machine even if it is attempted.
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
                 "--proxy-bypass-list=<-loopback>"]


class CdpError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """The Chromium binary: $ONENOTES_CHROMIUM, else chromium / chromium-browser on PATH."""
    given = os.environ.get("ONENOTES_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, binary: str | None = None, extra_flags: list[str] = (), timeout: float = 20.0,
                 wrapper: list[str] = ()):
        self.binary = binary or find_chromium()
        if not self.binary:
            raise CdpError("chromium not found")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="onenotes-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Above 10 so the dup2 onto 3 and 4 in the child cannot clobber them.
        high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def child_fds():
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        args = [*wrapper, self.binary, *FLAGS, *extra_flags, f"--user-data-dir={self.profile}",
                "about:blank"]
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=self.stderr, pass_fds=(3, 4), preexec_fn=child_fds)
        os.close(high_r)
        os.close(high_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    # -- protocol ---------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            written = os.write(self._to_child, data)
            data = data[written:]
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_event(self, method: str, session: str | None = None, timeout: float | None = None) -> dict:
        for event in self.events:
            if event.get("method") == method and (session is None or event.get("sessionId") == session):
                self.events.remove(event)
                return event
        return self._wait(lambda m: m.get("method") == method and
                          (session is None or m.get("sessionId") == session), timeout, keep=False)

    def _wait(self, match, timeout: float | None = None, keep: bool = True) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if match(message):
                    if "method" in message and keep:
                        self.events.append(message)
                    return message
                if "method" in message:
                    self.events.append(message)
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError(f"no answer from chromium within {timeout or self.timeout:g} s"
                               f"{self._stderr_tail()}")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise CdpError(f"chromium exited (code {self.process.poll()}){self._stderr_tail()}")
                self._buffer += chunk

    def _stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            text = self.stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return "\n" + text[-2000:] if text else ""

    # -- pages ------------------------------------------------------------
    def open(self, url: str, width: int = 1366, height: int = 900, offline: bool = False) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", {}, session)
        if offline:
            self.send("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                           "downloadThroughput": -1,
                                                           "uploadThroughput": -1}, session)
        page.resize(width, height)
        self.send("Page.navigate", {"url": url}, session)
        self.wait_event("Page.loadEventFired", session)
        page.url = url
        return page

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                try:
                    self.send("Browser.close")
                except (CdpError, OSError):
                    pass
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
        finally:
            for fd in (self._to_child, self._from_child):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session
        self.url = ""

    def _events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events
                if e.get("sessionId") == self.session and e.get("method") == method]

    @property
    def requests(self) -> list[str]:
        """Every URL the page asked for (the document itself included)."""
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    @property
    def console(self) -> list[tuple[str, str]]:
        """(level, text) of console API calls and browser log entries."""
        out = [(e["type"], " ".join(str(a.get("value", a.get("description", ""))) for a in e["args"]))
               for e in self._events("Runtime.consoleAPICalled")]
        out += [(e["entry"]["level"], e["entry"]["text"]) for e in self._events("Log.entryAdded")]
        return out

    @property
    def exceptions(self) -> list[str]:
        return [e["exceptionDetails"].get("exception", {}).get("description")
                or e["exceptionDetails"].get("text", "") for e in self._events("Runtime.exceptionThrown")]

    @property
    def failed_loads(self) -> list[str]:
        return [e.get("errorText", "") for e in self._events("Network.loadingFailed")]

    def evaluate(self, expression: str):
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": True}, self.session)
        if "exceptionDetails" in result:
            raise CdpError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def resize(self, width: int, height: int) -> None:
        self.browser.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, self.session)

    def media(self, kind: str) -> None:
        """Emulate ``print`` or ``screen`` media."""
        self.browser.send("Emulation.setEmulatedMedia", {"media": kind}, self.session)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params = {"format": "png"}
        if full_page:
            size = self.browser.send("Page.getLayoutMetrics", {}, self.session)["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.browser.send("Page.captureScreenshot", params, self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self, path: Path) -> Path:
        data = self.browser.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                                 self.session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path
