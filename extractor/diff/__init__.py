"""Diff model: documents changed by a source, as hunks with before / after views."""

from extractor.diff.model import DiffError, DiffLine, FileDiff, Hunk, parse_file_diff

__all__ = ["DiffError", "DiffLine", "FileDiff", "Hunk", "parse_file_diff"]
