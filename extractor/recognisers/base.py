"""What a recogniser is: it claims blocks by their header and headings, and yields facts
(the contract is declared with the kinds, ``extractor.kinds.base``; named here for recognisers).

A ``Fact`` is one statement a view of a document makes: ``subject``'s ``attribute`` has
``value``. The semantic diff compares the facts of the before and after views; recognisers
never see diffs.
"""

from __future__ import annotations

from extractor.kinds import SUBJECT_KEYS, subject
from extractor.kinds.base import Fact, Recogniser

__all__ = ["SUBJECT_KEYS", "Fact", "Recogniser", "subject"]
