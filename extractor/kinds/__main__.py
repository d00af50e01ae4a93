"""``python -m extractor.kinds README.md``: write the README's table of kinds anew from the
registry (a test fails while it is stale); ``--check`` only says whether it is."""

from __future__ import annotations

import sys
from pathlib import Path

from extractor.kinds import readme_with_table


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if len(paths) != 1:
        print("usage: python -m extractor.kinds [--check] README.md", file=sys.stderr)
        return 2
    path = Path(paths[0])
    try:
        text = path.read_text(encoding="utf-8")
        new = readme_with_table(text)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        return 1
    if new == text:
        return 0
    if check:
        print(f"{path}: the table of kinds is stale (python -m extractor.kinds {path})", file=sys.stderr)
        return 1
    path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
