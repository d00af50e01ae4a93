"""Sources: Diff Insight Reports, unified diffs / patches, and git repositories."""

from extractor.sources.base import DocSection, Problem, Source, SourceError, SourceMeta

__all__ = ["DocSection", "Problem", "Source", "SourceError", "SourceMeta"]
