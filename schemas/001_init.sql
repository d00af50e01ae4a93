-- extractor schema, version 1: sources, changes, document changes, fact events,
-- their provenance, unresolved rows, ingest errors and remembered document layouts.
--
-- Each table's natural key (noted per table) is kept by the loader, which never stores a
-- row whose key is stored (Store.insert_new), not by a PRIMARY KEY index. Databases made
-- before schema 6 had those indexes; 006_plain_keys.sql removes them.

CREATE TABLE IF NOT EXISTS sources (
    source_id    VARCHAR NOT NULL,      -- sha256 of the input's bytes (the key)
    path         VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,      -- report | patch | git
    observed_at  DATE    NOT NULL,
    repo         VARCHAR,
    base         VARCHAR,
    head         VARCHAR,
    title        VARCHAR,
    language     VARCHAR,
    change_id    VARCHAR NOT NULL,      -- the compare range; several sources may share one
    ingested_at  TIMESTAMP NOT NULL,
    n_docs       INTEGER NOT NULL,
    n_events     INTEGER NOT NULL,      -- events this source produced (before de-duplication)
    n_unresolved INTEGER NOT NULL,
    n_problems   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS changes (
    change_id   VARCHAR NOT NULL,       -- the key
    repo        VARCHAR,
    base        VARCHAR,
    head        VARCHAR,
    observed_at DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS doc_changes (
    change_id VARCHAR NOT NULL,
    doc       VARCHAR NOT NULL,
    old_doc   VARCHAR,
    status    VARCHAR NOT NULL,         -- modified | added | removed | renamed
    added     INTEGER,
    deleted   INTEGER,
    has_diff  BOOLEAN NOT NULL,
    source_id VARCHAR NOT NULL,
    line      INTEGER
    -- key: (change_id, doc)
);

CREATE TABLE IF NOT EXISTS events (
    event_id        VARCHAR NOT NULL,    -- hash of change, doc, kind, subject, attribute (the key)
    change_id       VARCHAR NOT NULL,
    observed_at     DATE    NOT NULL,
    doc             VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    model           VARCHAR,             -- the model, or region_availability's subject
    version         VARCHAR,
    deployment_type VARCHAR,
    tier            VARCHAR,
    subscription    VARCHAR,
    region          VARCHAR,
    subject_json    VARCHAR NOT NULL,    -- the kind's subject keys, in export order
    attribute       VARCHAR NOT NULL,
    change          VARCHAR NOT NULL,    -- added | removed | changed | unchanged
    old_json        VARCHAR,             -- JSON-encoded typed value
    new_json        VARCHAR,
    old_num         BIGINT,
    new_num         BIGINT,
    old_raw         VARCHAR,
    new_raw         VARCHAR,
    qualifier       VARCHAR,
    source_id       VARCHAR NOT NULL,    -- first source that showed it
    line            INTEGER
);

CREATE TABLE IF NOT EXISTS event_sources (
    event_id  VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    line      INTEGER
    -- key: (event_id, source_id)
);

CREATE TABLE IF NOT EXISTS unresolved (
    change_id VARCHAR NOT NULL,
    doc       VARCHAR NOT NULL,
    side      VARCHAR NOT NULL,         -- before | after
    doc_line  INTEGER NOT NULL,
    ncols     INTEGER NOT NULL,
    text      VARCHAR NOT NULL,
    reason    VARCHAR NOT NULL,
    section   VARCHAR,
    source_id VARCHAR NOT NULL,
    line      INTEGER
    -- key: (change_id, doc, side, doc_line)
);

CREATE TABLE IF NOT EXISTS errors (
    source_id VARCHAR,                  -- sha256 of the input, when it could be read
    path      VARCHAR NOT NULL,
    line      INTEGER,
    severity  VARCHAR NOT NULL,         -- error | warning
    message   VARCHAR NOT NULL,
    logged_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS layouts (
    doc           VARCHAR NOT NULL,
    header_json   VARCHAR NOT NULL,
    ncols         INTEGER NOT NULL,
    line_no       INTEGER NOT NULL,
    headings_json VARCHAR NOT NULL,
    lead          VARCHAR,
    source_id     VARCHAR NOT NULL,
    observed_at   DATE NOT NULL
);

CREATE TABLE IF NOT EXISTS headings (
    doc       VARCHAR NOT NULL,
    line_no   INTEGER NOT NULL,
    level     INTEGER NOT NULL,
    text      VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    side      VARCHAR NOT NULL          -- before | after: line numbers of that side
);
