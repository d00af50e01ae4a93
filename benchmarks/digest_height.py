"""The height in pixels of the HTML digest of a month and of a quarter, as headless Chromium
lays it out 1200 pixels wide (the browser harness of tests/browser.py): how long a page a
reader scrolls. Usage::

    python benchmarks/digest_height.py DB [MONTH_START MONTH_END QUARTER_START QUARTER_END]

Default periods: March 2025 and the first quarter of 2025 (the corpus's last month and quarter).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# The browser's pipes become its fds 3 and 4: hold those numbers with /dev/null before DuckDB or a
# font file takes them (Popen's pass_fds fails on them otherwise).
while os.open(os.devnull, os.O_RDONLY) < 4:
    pass

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import Browser, chromium_binary  # noqa: E402

import extractor  # noqa: E402


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    db_path, *dates = argv
    dates = dates or ["2025-03-01", "2025-03-31", "2025-01-01", "2025-03-31"]
    binary = chromium_binary()
    if binary is None:
        raise SystemExit("no chromium (apt-get install chromium)")
    periods = {"month": (dates[0], dates[1]), "quarter": (dates[2], dates[3])}
    with extractor.connect(db_path, read_only=True) as db, tempfile.TemporaryDirectory() as tmp:
        for name, (since, until) in periods.items():
            page = Path(tmp) / f"{name}.html"
            page.write_text(db.report(since, until, fmt="html", on_stale=lambda _msg: None), encoding="utf-8")
            browser = Browser(binary, 1200, 900)
            try:
                browser.open(page.as_uri())
                height = browser.evaluate("document.documentElement.scrollHeight")
            finally:
                browser.close()
            print(f"{name:8} {since}..{until}  {height:>7,} px  {page.stat().st_size:>9,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
