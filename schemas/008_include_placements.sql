-- extractor schema, version 8: where include files are included.
--
-- FACTS.md: an include file takes the scope of the place it is included. Every source that
-- shows an `[!INCLUDE]` line records a sighting: the included file, the document holding
-- the line, its line, the headings above it in the view, and whether the view shows the
-- line there (present) or shows it gone (a removed line not added back). Tables of the
-- include are read with the headings of the placement in effect at their date.
CREATE TABLE IF NOT EXISTS include_placements (
    include       VARCHAR NOT NULL,
    host          VARCHAR NOT NULL,
    line_no       INTEGER NOT NULL,
    headings_json VARCHAR NOT NULL,
    present       BOOLEAN NOT NULL,
    source_id     VARCHAR NOT NULL,
    observed_at   DATE NOT NULL,
    side          VARCHAR NOT NULL
);
