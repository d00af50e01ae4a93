-- extractor schema, version 4: the side (before / after) of the view a remembered table
-- header was seen in. A change that rewrites a header shows both; a header-less hunk of
-- a later change is read with the after one, of an earlier change with the before one.

ALTER TABLE layouts ADD COLUMN IF NOT EXISTS side VARCHAR DEFAULT 'after';
