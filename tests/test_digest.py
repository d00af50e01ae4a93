"""Tests of the change digest (extractor.digest, ``extract report``): the Markdown and HTML of
the hand-written history, escaping of document text, and the HTML opened in a real headless
Chromium (Debian's ``chromium``; skipped when there is none) driven over the DevTools
protocol: no console errors, every chart image decoded, a screenshot that is not blank.
The digest of the corpus's last month is checked the same way (skipped without the corpus).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from history_fixtures import LINK, build

import extractor
from extractor.cli import main

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CHARTS = ["changes-per-day", "quota-steps", "regions-per-model"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("digest"))


@pytest.fixture
def db(db_path: Path) -> Any:
    with extractor.connect(db_path, read_only=True) as d:
        yield d


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_digest_groups_by_kind_and_model_with_provenance(db: Any) -> None:
    md = db.report("2025-03-01", "2025-03-31")
    lines = md.splitlines()
    assert lines[0] == "# Changes from 2025-03-01 to 2025-03-31"
    assert lines[2] == ("8 changes (quotas 3, retirements 1, region availability 4) in 3 compare ranges, "
                        "last observed 2025-03-15.")
    heads = [ln for ln in lines if ln.startswith("#")]
    assert heads == ["# Changes from 2025-03-01 to 2025-03-31", "## Quotas", "### o3", "### o4-mini",
                     "## Retirements", "### o1-preview", "## Region availability", "### gpt-4.1", "## Sources"]
    r3 = f"[3333333...4444444]({LINK}3333333...4444444)"
    r4 = f"[4444444...5555555]({LINK}4444444...5555555)"
    assert f"- 2025-03-01 · o3 (global-standard, default) TPM: 2,000,000 → 3,000,000 · openai/quotas-limits.md · {r3}" \
        in lines
    assert ("- 2025-03-01 · o1-preview 2024-09-12 retirement date moved 2025-04-02 → no earlier than 2025-07-15 "
            f"(+104 days) · openai/concepts/model-retirements.md · {r3}") in lines
    # region changes of one model, day, type and document fold into one line
    assert ("- 2025-03-05 · gpt-4.1 2025-04-14 (global-standard): now available in eastus2, swedencentral "
            f"(2 regions) · openai/concepts/models.md · {r4}") in lines
    assert ("- 2025-03-05 · gpt-4.1 2025-04-14 (global-standard): no longer listed in westus · "
            f"openai/includes/model-matrix/standard-global.md · {r4}") in lines
    assert lines[-3:] == [f"| 2025-03-01 | {r3} | 2 |", f"| 2025-03-05 | {r4} | 4 |",
                          f"| 2025-03-15 | [5555555...6666666]({LINK}5555555...6666666) | 2 |"]
    assert md.endswith(" | 2 |\n")


def test_digest_without_until_runs_to_the_latest_and_empty_periods_say_so(db: Any) -> None:
    md = db.report("2025-04-01")
    assert md.startswith("# Changes from 2025-04-01 to the latest change\n")
    assert "4 changes (quotas 4) in 3 compare ranges, last observed 2025-04-20." in md
    empty = db.report("2026-01-01", "2026-01-31")
    assert "No changes observed from 2026-01-01 to 2026-01-31." in empty
    html = db.report("2026-01-01", "2026-01-31", fmt="html")
    assert "No changes observed" in html and "<img" not in html
    with pytest.raises(ValueError, match="unknown digest format"):
        db.report("2025-01-01", fmt="pdf")


# --- HTML -------------------------------------------------------------------------------------


def test_html_is_self_contained_with_three_charts(db: Any) -> None:
    html = db.report("2025-01-01", "2025-04-30", fmt="html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "stylesheet" not in html and 'src="http' not in html
    for cid in CHARTS:
        assert f'<figure id="{cid}"><img src="data:image/svg+xml;base64,' in html
    svg = base64.b64decode(html.split('<figure id="quota-steps"><img src="data:image/svg+xml;base64,')[1]
                           .split('"')[0])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert f'<a href="{LINK}e000000...d000000">e000000...d000000</a>' in html
    assert html.count("<li>") == 21  # 24 changes, the region changes folded


def test_html_escapes_document_text(db_path: Path, tmp_path: Path) -> None:
    """Text from documents (here a hostile model name and raw cell) is escaped, not markup."""
    copy = tmp_path / "evil.duckdb"
    shutil.copy(db_path, copy)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with extractor.connect(copy) as db:
        db.store.con.execute(
            "INSERT INTO events SELECT * REPLACE (? AS model, 'evil' || event_id AS event_id, "
            "replace(subject_json, '\"o3\"', to_json(?::VARCHAR)::VARCHAR) AS subject_json) "
            "FROM events WHERE model = 'o3' AND change = 'changed' AND attribute = 'tpm'", [evil, evil])
        db.store.con.execute("INSERT INTO event_sources SELECT 'evil' || event_id, source_id, line FROM event_sources "
                             "WHERE event_id IN (SELECT substr(event_id, 5) FROM events WHERE event_id LIKE 'evil%')")
        html = db.report("2025-01-01", "2025-04-30", fmt="html")
        md = db.report("2025-01-01", "2025-04-30")
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert re.search(r"(?<!\\)<", md) is None and "\\<script\\>" in md  # every < escaped in Markdown


def test_cli_report(db_path: Path, tmp_path: Path) -> None:
    run = CliRunner()
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "--until", "2025-03-31"])
    assert res.exit_code == 0 and res.output.startswith("# Changes from 2025-03-01 to 2025-03-31")
    out = tmp_path / "d.html"
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-31", "--until", "2025-03-01"])
    assert res.exit_code == 2 and "before --since" in res.output
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "whenever"])
    assert res.exit_code == 2 and "not a date" in res.output
    res = run.invoke(main, ["--db", str(db_path), "report"])
    assert res.exit_code == 2 and "--since" in res.output


# --- a real headless browser --------------------------------------------------------------------


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


def test_digest_opens_in_headless_chromium(db: Any, tmp_path: Path) -> None:
    page = tmp_path / "digest.html"
    page.write_text(db.report("2025-01-01", "2025-04-30", fmt="html"), encoding="utf-8")
    seen = check_in_browser(page, tmp_path / "digest.png")
    assert seen["errors"] == []
    assert seen["title"] == "Changes from 2025-01-01 to 2025-04-30"
    assert [i["id"] for i in seen["images"]] == CHARTS
    assert all(i["complete"] and i["w"] > 300 and i["h"] > 150 for i in seen["images"])
    assert seen["non_white"] > 50_000
    assert set(seen["chart_pixels"]) == set(CHARTS)
    assert all(n > 500 for n in seen["chart_pixels"].values()), seen["chart_pixels"]


def test_corpus_last_month_digest_opens_in_headless_chromium(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    if chromium_binary() is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    with extractor.connect(tmp_path / "corpus.duckdb") as db:
        db.ingest([CORPUS])
        last = db.sql("SELECT max(observed_at) AS d FROM changes")["d"][0]
        start = last.replace(day=1)
        html = db.report(start, last, fmt="html")
    page = tmp_path / "corpus-digest.html"
    page.write_text(html, encoding="utf-8")
    seen = check_in_browser(page, tmp_path / "corpus-digest.png")
    assert seen["errors"] == []
    assert len(seen["images"]) >= 2 and all(i["complete"] and i["w"] > 300 for i in seen["images"])
    assert seen["non_white"] > 50_000
    assert seen["chart_pixels"] and all(n > 500 for n in seen["chart_pixels"].values()), seen["chart_pixels"]
    assert (tmp_path / "corpus-digest.png").stat().st_size > 10_000


def test_browser_check_sees_console_errors(tmp_path: Path) -> None:
    """The browser harness itself: a page with a script error and a missing image is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><title>bad</title></head><body><figure id='f'>"
                    "<img src='missing.png'></figure><script>console.error('boom'); nope();</script></body></html>")
    seen = check_in_browser(page, tmp_path / "bad.png")
    assert any("boom" in e for e in seen["errors"])
    assert any("Uncaught" in e for e in seen["errors"])
    assert any("missing.png" in e for e in seen["errors"])
    assert seen["images"][0]["w"] == 0
