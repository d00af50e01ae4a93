"""Where the SQL shipped with extractor lies: ``schemas/`` (DDL and migrations) and
``queries/`` (the named queries users run).

In a source checkout, and in an editable install, they are the repository's top-level
folders. A built wheel carries them inside the package, as ``extractor/sql_schemas`` and
``extractor/sql_queries`` (mapped in ``pyproject.toml``), so a regular install has them too.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def sql_dir(name: str) -> Path:
    """The folder of ``schemas`` or ``queries``: inside the installed package, else the checkout's."""
    installed = _PACKAGE / f"sql_{name}"
    return installed if installed.is_dir() else _PACKAGE.parent / name
