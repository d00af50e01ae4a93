"""Packaging: a regular (non-editable) install carries the schemas and the named queries."""

from __future__ import annotations

import shutil
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
    src = tmp_path / "src"  # a copy: building writes build/ and *.egg-info into the source folder
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for folder in ("extractor", "schemas", "queries"):
        shutil.copytree(ROOT / folder, src / folder, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "dist"
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    (wheel,) = out.glob("extractor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, packaged in (("schemas", "sql_schemas"), ("queries", "sql_queries")):
        sql = {p.name for p in (ROOT / folder).glob("*.sql")}
        assert sql and {f"extractor/{packaged}/{n}" for n in sql} <= names
    assert "extractor/paths.py" in names and "extractor/sample/report-20250110-sample.md" in names
