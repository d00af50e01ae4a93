"""Diff model: documents changed by a source, as hunks with before / after views, and the
one reader of unified-diff hunks (``extractor.diff.hunks``)."""

from extractor.diff.hunks import read_block
from extractor.diff.model import DiffLine, FileDiff, Hunk

__all__ = ["DiffLine", "FileDiff", "Hunk", "read_block"]
