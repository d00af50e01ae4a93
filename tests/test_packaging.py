"""Packaging: a regular (non-editable) install carries the schemas and the named queries."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "extractor").rglob("__init__.py")}
    assert found | {"extractor.sql_schemas", "extractor.sql_queries"} == set(config["packages"])
    assert config["package-dir"] == {"extractor.sql_schemas": "schemas", "extractor.sql_queries": "queries"}


def test_a_built_wheel_carries_the_sql(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    (wheel,) = tmp_path.glob("extractor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, packaged in (("schemas", "sql_schemas"), ("queries", "sql_queries")):
        sql = {p.name for p in (ROOT / folder).glob("*.sql")}
        assert sql and {f"extractor/{packaged}/{n}" for n in sql} <= names
    assert "extractor/paths.py" in names and "extractor/sample/report-20250110-sample.md" in names
