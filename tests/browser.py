"""A real headless Chromium for the tests (Debian's ``chromium``; ``.ci/run`` installs it),
driven over the DevTools protocol on a pipe: no port, no extra package. Tests skip where
there is none."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest


def chromium_binary() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class Browser:
    """Headless Chromium driven over the DevTools protocol on ``--remote-debugging-pipe``
    (file descriptors 3 and 4, NUL-separated JSON), so no port or extra package is needed."""

    def __init__(self, binary: str, width: int = 1200, height: int = 2400) -> None:
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def child() -> None:  # runs in the child before exec: the pipes become fds 3 and 4
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=child, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        os.close(to_r)
        os.close(from_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def _recv(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._from_r], [], [], left)
            if ready:
                chunk = os.read(self._from_r, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the pipe: " + self.proc.stderr.read().decode(errors="replace")
                                   if self.proc.stderr else "")
                self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, params: dict[str, Any] | None = None, *, timeout: float = 30,
             session: bool = True) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._recv(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def open(self, url: str, timeout: float = 30) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        self.session = self.call("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                                 session=False)["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(self._recv(deadline))

    def evaluate(self, expression: str) -> Any:
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        return res["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        path.write_bytes(data)
        return data

    def errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text", "exception"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                out.append(p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
        return out

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, EOFError, OSError):
            self.call("Browser.close", session=False, timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_w, self._from_r):
            os.close(fd)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def check_in_browser(html_path: Path, shot: Path) -> dict[str, Any]:
    """Open ``html_path`` in headless Chromium; return what was seen, screenshot at ``shot``."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    from PIL import Image

    browser = Browser(binary)
    try:
        browser.open(html_path.resolve().as_uri())
        images = browser.evaluate(
            "Array.from(document.querySelectorAll('figure img')).map(i => {const r = i.getBoundingClientRect();"
            " return {id: i.parentElement.id, complete: i.complete, w: i.naturalWidth, h: i.naturalHeight,"
            " x: r.x, y: r.y, width: r.width, height: r.height}})")
        title = browser.evaluate("document.title")
        browser.screenshot(shot)
        errors = browser.errors()
    finally:
        browser.close()
    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 2400)
    px = np.asarray(img).astype(int)  # height × width × RGB

    def colourful(i: dict[str, Any]) -> int:
        box = px[int(i["y"]):int(i["y"] + i["height"]), int(i["x"]):int(i["x"] + i["width"])]
        return int(((box.max(axis=2) - box.min(axis=2)) > 60).sum())

    non_white = int((px != 255).any(axis=2).sum())
    charts = {i["id"]: colourful(i) for i in images if i["y"] + i["height"] <= img.size[1]}
    return {"errors": errors, "images": images, "title": title, "non_white": non_white, "chart_pixels": charts}




# Each in-page link of the table of contents, followed: where its target lands (its top, in
# pixels from the top of the window, after the browser scrolled to it), -1 when it has none.
_LANDINGS = """
(async () => {
  const out = [];
  for (const a of document.querySelectorAll('nav a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    const el = document.getElementById(id);
    if (!el) { out.push([id, -1, 0]); continue; }
    a.click();
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    out.push([id, Math.round(el.getBoundingClientRect().top), Math.round(window.scrollY)]);
  }
  window.scrollTo(0, 0);
  return out;
})()
"""


def check_page(html_path: Path, shots: Path) -> dict[str, Any]:
    """Open ``html_path`` in headless Chromium and report: console errors, the page's height,
    where each table-of-contents link lands, and for each chart whether it decoded and how
    many coloured pixels it shows once scrolled into view (screenshots under ``shots``)."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    from PIL import Image

    browser = Browser(binary, 1200, 900)
    charts: dict[str, int] = {}
    try:
        browser.open(html_path.resolve().as_uri())
        height = browser.evaluate("document.documentElement.scrollHeight")
        landings = browser.evaluate(_LANDINGS)
        ids = browser.evaluate("Array.from(document.querySelectorAll('figure img')).map(i => i.parentElement.id)")
        decoded = browser.evaluate(
            "Array.from(document.querySelectorAll('figure img')).map(i => i.complete && i.naturalWidth > 0)")
        for n, cid in enumerate(ids):
            box = browser.evaluate(f"(() => {{const i = document.querySelectorAll('figure img')[{n}]; i.scrollIntoView();"
                                   " const r = i.getBoundingClientRect(); return [r.x, r.y, r.width, r.height];})()")
            shot = shots / f"chart-{n}.png"
            browser.screenshot(shot)
            px = np.asarray(Image.open(shot).convert("RGB")).astype(int)
            x, y, w, h = (int(v) for v in box)
            part = px[max(y, 0):y + h, max(x, 0):x + w]
            charts[cid] = int(((part.max(axis=2) - part.min(axis=2)) > 60).sum()) if part.size else 0
        errors = browser.errors()
    finally:
        browser.close()
    return {"errors": errors, "height": height, "landings": landings, "decoded": decoded, "chart_pixels": charts}
