"""Blocks: markdown tables and bullet lists read out of one view of a document diff."""

from extractor.blocks.tables import (
    Block,
    BulletList,
    Row,
    Table,
    find_blocks,
    is_alignment_row,
    split_row,
)

__all__ = ["Block", "BulletList", "Row", "Table", "find_blocks", "is_alignment_row", "split_row"]
