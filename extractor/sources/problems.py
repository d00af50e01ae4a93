"""What reading an input can go wrong with: ``SourceError`` (the input cannot be read as a
source) and ``Problem`` (a defect recorded while the rest loads).

Kept apart from ``extractor.sources.base`` (and its pydantic model), so that an ingest
whose inputs are all known already starts without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass


class SourceError(ValueError):
    """An input that cannot be read as a source; names the file and line."""

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {message}")
        self.file = file
        self.line = line
        self.reason = message


@dataclass
class Problem:
    """A non-fatal defect in an input: recorded, shown, never stops the other inputs."""

    file: str
    line: int | None
    message: str
    severity: str = "warning"  # "error": part of the input was lost (the rest still loads)
