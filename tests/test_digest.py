"""The digest (``extract report``), read from the model level: the exact summary rows of the
hand-written history, the sections and table of contents, moves and renames collapsed to
one line each, a kind without a model, escaping of document text, the JSON form, and the
HTML opened in a real headless Chromium (tests/browser.py): no console errors, every
table-of-contents link lands, every chart drawn. The digest of the corpus's last month is
checked the same way (skipped without the corpus or chromium)."""

from __future__ import annotations

import base64
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from browser import check_in_browser, check_page, chromium_binary
from click.testing import CliRunner
from helpers import MODELS, QUOTAS, hunk, report
from history_fixtures import LINK, MATRIX, QUOTA_HEAD, body, build

import extractor
from extractor.cli import main
from extractor.digest.collect import Line, sections
from extractor.digest.text import subject_label

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CHARTS = ["changes-per-period", "quota-steps", "regions-per-model"]
R3, R4 = f"{LINK}3333333...4444444", f"{LINK}4444444...5555555"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("digest"))


@pytest.fixture
def db(db_path: Path) -> Any:
    with extractor.connect(db_path, read_only=True) as d:
        yield d


# --- Markdown -------------------------------------------------------------------------------


def test_the_summary_lists_the_real_changes_of_the_period(db: Any) -> None:
    md = db.report("2025-03-01", "2025-03-31")
    lines = md.splitlines()
    assert lines[0] == "# Changes from 2025-03-01 to 2025-03-31"
    assert lines[2] == "6 model-level changes (quotas 3, region availability 2, retirements 1), last observed 2025-03-15."
    i = lines.index("## Summary")
    assert lines[i + 2:i + 7] == [
        "| change | subject | detail | date | compare |", "|---|---|---|---|---|",
        "| value changed | o3 (global-standard, default) | TPM: 2,000,000 → 3,000,000 | 2025-03-01 | "
        f"[3333333...4444444]({R3}) |",
        "| date moved | o1-preview 2024-09-12 | retirement date: 2025-04-02 → no earlier than 2025-07-15 (+104 days) "
        f"| 2025-03-01 | [3333333...4444444]({R3}) |",
        f"| regions | gpt-4.1 (global-standard) | gained 1: eastus2; lost 1: westus | 2025-03-05 | [4444444...5555555]({R4}) |",
    ]
    assert lines[i + 7] == ""


def test_sections_per_service_and_model_with_anchors_in_a_table_of_contents(db: Any) -> None:
    md = db.report("2025-03-01", "2025-03-31")
    heads = [ln for ln in md.splitlines() if ln.startswith("#")]
    assert heads == ["# Changes from 2025-03-01 to 2025-03-31", "## Summary", "## Contents",
                     '## <a id="service-azure-openai"></a>Azure OpenAI',
                     '### <a id="azure-openai--gpt-4.1"></a>gpt-4.1', '### <a id="azure-openai--o1-preview"></a>o1-preview',
                     '### <a id="azure-openai--o3"></a>o3', '### <a id="azure-openai--o4-mini"></a>o4-mini']
    toc = md.split("## Contents\n\n")[1].split("\n\n")[0].splitlines()
    assert toc == ["- [Azure OpenAI](#service-azure-openai)", "  - [gpt-4.1](#azure-openai--gpt-4.1)",
                   "  - [o1-preview](#azure-openai--o1-preview)", "  - [o3](#azure-openai--o3)",
                   "  - [o4-mini](#azure-openai--o4-mini)"]
    # the availability changes of one day, range, model and deployment type fold into one line, every line linked
    assert (f"- 2025-03-05 · gpt-4.1 (global-standard): gained eastus2 · openai/concepts/models.md, "
            f"openai/includes/model-matrix/standard-global.md · [4444444...5555555]({R4})") in md.splitlines()
    assert ("- 2025-03-15 · o4-mini (global-standard, default) TPM: 5,000,000 no longer stated · openai/quotas-limits.md · "
            f"[5555555...6666666]({LINK}5555555...6666666)") in md.splitlines()


def test_a_day_of_chained_changes_is_one_model_level_change(db: Any) -> None:
    md = db.report("2025-04-20", "2025-04-20")
    # one row, as model_changes gives it: the values held before the day's two chained changes, then the new one
    assert "| value changed | o1 (global-standard, default) | TPM: 3,000,000 \\| 4,000,000 → 6,000,000 | 2025-04-20 |" in md


def test_empty_periods_and_the_coverage_line(db: Any) -> None:
    md = db.report("2026-01-01", "2026-01-31")
    assert md.splitlines()[2] == "No changes observed from 2026-01-01 to 2026-01-31."
    assert ("- Coverage: ai-services/openai documents last seen in a source of 2025-04-20 (the period runs to 2026-01-31: later "
            "changes there are not known).") in md.splitlines()
    assert "Coverage" not in db.report("2025-03-01", "2025-03-31")
    html = db.report("2026-01-01", "2026-01-31", fmt="html")
    assert "No changes observed" in html and "<img" not in html
    with pytest.raises(ValueError, match="unknown digest format"):
        db.report("2025-01-01", fmt="pdf")


def test_a_kind_without_a_model_gets_a_heading_of_its_kind() -> None:
    """A kind whose subject names no model (a service limit) is listed under its kind's title, never as ``nan``."""
    row = SimpleNamespace(observed_at="2025-05-01", kind="quota", cls=None, service="Azure OpenAI", model=None,
                          version=None, deployment_type=None, tier=None, subscription=None, region=None,
                          subject='{"limit": "max-files-per-assistant"}', attribute="tpm", change="changed",
                          old="10000", new="20000", qualifier=None, conflict=False, stated=None, docs=["a.md"], link=None)
    assert subject_label(row) == "max-files-per-assistant"
    [svc] = sections([row])
    assert [(s.name, s.cls) for s in svc.subjects] == [("Quotas", "service")]
    assert svc.subjects[0].lines == [Line("2025-05-01", "max-files-per-assistant TPM: 10,000 → 20,000", ["a.md"], None, "quota")]


# --- moves and renames: one collapsed line each, never in the summary --------------------------


def moved_and_renamed(folder: Path) -> Path:
    matrix_head = " | **Region** | **gpt-9**, **2025-01-01** |\n |:---|:---:|"
    models_head = " | Model | Region |\n |---|---|"
    reports = [
        report(folder, "2025-05-01", [
            (QUOTAS, "modified", hunk(body(QUOTA_HEAD, """\
                 +| `o3` | Default | 1 M | 1 K |
                 +| `o9` | Default | 4 M | 4 K |"""), old=40)),
            (MODELS, "modified", hunk(models_head + "\n+| gpt-9 (2025-01-01) | East US2 (Global Standard) |", old=300)),
        ], base="1000000", head="2000000"),
        report(folder, "2025-05-10", [
            (QUOTAS, "modified", hunk(body(QUOTA_HEAD, """\
                 -| `o3` | Default | 1 M | 1 K |
                 +| `o3` | Default | 2 M | 1 K |
                 -| `o9` | Default | 4 M | 4 K |
                 +| `o9-preview` | Default | 4 M | 4 K |"""), old=40)),
            (MODELS, "modified", hunk(models_head + "\n-| gpt-9 (2025-01-01) | East US2 (Global Standard) |", old=300)),
            (MATRIX + "standard-global.md", "added", hunk("+" + matrix_head.replace("\n ", "\n+")[1:] + "\n+| eastus2 | ✅ |",
                                                          old=0, new=1)),
        ], base="2000000", head="3000000"),
    ]
    db_path = folder / "moves.duckdb"
    with extractor.connect(db_path) as d:
        res = d.ingest(reports)
        assert res.ok and res.unresolved == 0, (res.failed, res.unresolved)
    return db_path


def test_a_move_and_a_rename_are_one_line_each_and_no_change(tmp_path: Path) -> None:
    with extractor.connect(moved_and_renamed(tmp_path), read_only=True) as db:
        md = db.report("2025-05-10", "2025-05-10")
        data = json.loads(db.report("2025-05-10", "2025-05-10", fmt="json"))
    lines = md.splitlines()
    assert "- Document moves: 1 (1 facts moved between documents; not changes)." in lines
    assert "- Label renames: 1 (2 facts stated under a new label; not changes)." in lines
    assert [r["change"] for r in data["summary"]] == ["value changed"]  # neither the move nor the rename
    assert data["summary"][0]["detail"] == "TPM: 1,000,000 → 2,000,000"
    assert data["renames"] == [{"date": "2025-05-10", "field": "model", "from": "o9", "to": "o9-preview", "facts": 2,
                                "link": f"{LINK}2000000...3000000"}]
    assert [(m["from_doc"], m["to_doc"], m["facts"]) for m in data["moves"]] == [
        (MODELS, MATRIX + "standard-global.md", 1)]
    assert [s["name"] for svc in data["services"] for s in svc["subjects"]] == ["o3"]


# --- HTML, JSON, the command ----------------------------------------------------------------------


def test_html_is_self_contained_with_charts_and_their_data(db: Any) -> None:
    html = db.report("2025-01-01", "2025-04-30", fmt="html")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "stylesheet" not in html and 'src="http' not in html
    for cid in CHARTS:
        assert f'<figure id="{cid}"><img src="data:image/svg+xml;base64,' in html
    svg = base64.b64decode(html.split('<figure id="quota-steps"><img src="data:image/svg+xml;base64,')[1].split('"')[0])
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert "Changes per week, by kind" in base64.b64decode(
        html.split('<figure id="changes-per-period"><img src="data:image/svg+xml;base64,')[1].split('"')[0]).decode()
    assert "TPM of each of the 3 quotas that changed in the period" in html  # every series the caption names
    assert html.count("<details><summary>The data of this chart") == 3
    assert f'<a href="{LINK}e000000...d000000">d000000</a>' in html
    for anchor in re.findall(r'<a href="#([^"]+)"', html):
        assert f'id="{anchor}"' in html


def test_html_escapes_document_text(db_path: Path, tmp_path: Path) -> None:
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
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script" not in html and "<img src=x" not in html
    assert re.search(r"(?<!\\)<(?!a id=|/a>)", md) is None and "\\<script\\>" in md


def test_json_digest(db: Any) -> None:
    data = json.loads(db.report("2025-03-01", "2025-03-31", fmt="json"))
    assert data["period"] == {"since": "2025-03-01", "until": "2025-03-31", "end": "2025-03-31"}
    assert data["counts"] == {"quota": 3, "region_availability": 2, "retirement": 1}
    assert [r["change"] for r in data["summary"]] == ["value changed", "date moved", "regions"]
    assert data["summary"][1]["links"] == [R3]
    assert [s["anchor"] for s in data["services"][0]["subjects"]] == [
        "azure-openai--gpt-4.1", "azure-openai--o1-preview", "azure-openai--o3", "azure-openai--o4-mini"]


def test_cli_report(db_path: Path, tmp_path: Path) -> None:
    run = CliRunner()
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "--until", "2025-03-31"])
    assert res.exit_code == 0 and res.output.startswith("# Changes from 2025-03-01 to 2025-03-31")
    out = tmp_path / "d.html"
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["counts"]["quota"] == 6
    res = run.invoke(main, ["--db", str(db_path), "report", "--model", "O3", "--format", "md"])
    assert res.exit_code == 0 and res.stdout.startswith("# o3\n")
    for name, head in (("m.html", "<!DOCTYPE html>"), ("m.json", "{"), ("feed.atom", "<?xml"), ("m.md", "# Changes")):
        res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-01", "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output  # the format is told by the extension of -o
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(head), name
    res = run.invoke(main, ["--db", str(db_path), "report", "--model", "o33"])
    assert res.exit_code == 1 and "did you mean o3" in res.stderr
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "2025-03-31", "--until", "2025-03-01"])
    assert res.exit_code == 2 and "before --since" in res.output
    res = run.invoke(main, ["--db", str(db_path), "report", "--since", "whenever"])
    assert res.exit_code == 2 and "not a date" in res.output
    res = run.invoke(main, ["--db", str(db_path), "report"])
    assert res.exit_code == 2 and "--since" in res.output


# --- a real headless browser --------------------------------------------------------------------


def assert_page_works(page: Path, shots: Path, charts: list[str] | None = None) -> dict[str, Any]:
    seen = check_page(page, shots)
    assert seen["errors"] == []
    assert seen["landings"], "a table of contents"
    for target, top, _scroll in seen["landings"]:
        assert 0 <= top < 900, (target, top)  # the link's section is in view after following it
    assert all(seen["decoded"])
    if charts is not None:
        assert list(seen["chart_pixels"]) == charts
    assert seen["chart_pixels"] and all(n > 500 for n in seen["chart_pixels"].values()), sorted(seen["chart_pixels"].items())
    return seen


def test_digest_and_model_page_work_in_headless_chromium(db: Any, tmp_path: Path) -> None:
    page = tmp_path / "digest.html"
    page.write_text(db.report("2025-01-01", "2025-04-30", fmt="html"), encoding="utf-8")
    assert_page_works(page, tmp_path, CHARTS)
    model = tmp_path / "model-o3.html"
    model.write_text(db.model_page("o3"), encoding="utf-8")
    seen = assert_page_works(model, tmp_path)
    assert [t for t, _, _ in seen["landings"]] == ["quotas", "dates", "regions", "other"]


def test_corpus_last_month_in_headless_chromium(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    if chromium_binary() is None:
        pytest.skip("no chromium binary (apt-get install chromium)")
    with extractor.connect(tmp_path / "corpus.duckdb") as db:
        db.ingest([CORPUS])
        last = db.sql("SELECT max(observed_at) AS d FROM model_changes")["d"][0]
        html = db.report(last.replace(day=1), last, fmt="html")
        busiest = db.sql("SELECT model FROM model_changes WHERE class = 'model' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        model_html = db.model_page(busiest["model"][0])
    page = tmp_path / "corpus-digest.html"
    page.write_text(html, encoding="utf-8")
    seen = assert_page_works(page, tmp_path, CHARTS)
    assert len(seen["landings"]) > 10
    model = tmp_path / "corpus-model.html"
    model.write_text(model_html, encoding="utf-8")
    assert_page_works(model, tmp_path)


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
