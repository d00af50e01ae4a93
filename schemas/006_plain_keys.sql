-- extractor schema, version 6: natural keys without PRIMARY KEY indexes.
--
-- Every load already skips rows whose natural key is stored (an anti-join on the key, see
-- Store.insert_new) and keeps one row per key of a batch, and only one process writes a
-- database at a time, so the PRIMARY KEY indexes only cost time: building and checking
-- them, writing them at each commit and checkpoint (0.14 s of the CPU time of a walk of
-- 2,000 commits, 1.61 s -> 1.46 s, and 0.09 s of a corpus ingest).
-- The keys are kept as NOT NULL columns; the tables are rebuilt with their rows. A database
-- made since (001 and 003 create these tables without the indexes) has nothing to rebuild:
-- only-if: SELECT count(*) > 0 FROM duckdb_constraints() WHERE database_name = current_database() AND constraint_type = 'PRIMARY KEY' AND table_name IN ('sources', 'changes', 'doc_changes', 'events', 'event_sources', 'unresolved', 'git_commits')

-- sources: key (source_id)
CREATE TABLE sources_v6 (
    source_id    VARCHAR NOT NULL,   -- sha256 of the input's bytes
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
INSERT INTO sources_v6 SELECT * FROM sources;
DROP TABLE sources;
ALTER TABLE sources_v6 RENAME TO sources;

-- changes: key (change_id)
CREATE TABLE changes_v6 (
    change_id   VARCHAR NOT NULL,
    repo        VARCHAR,
    base        VARCHAR,
    head        VARCHAR,
    observed_at DATE NOT NULL
);
INSERT INTO changes_v6 SELECT * FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v6 RENAME TO changes;

-- doc_changes: key (change_id, doc)
CREATE TABLE doc_changes_v6 (
    change_id VARCHAR NOT NULL,
    doc       VARCHAR NOT NULL,
    old_doc   VARCHAR,
    status    VARCHAR NOT NULL,         -- modified | added | removed | renamed
    added     INTEGER,
    deleted   INTEGER,
    has_diff  BOOLEAN NOT NULL,
    source_id VARCHAR NOT NULL,
    line      INTEGER
);
INSERT INTO doc_changes_v6 SELECT * FROM doc_changes;
DROP TABLE doc_changes;
ALTER TABLE doc_changes_v6 RENAME TO doc_changes;

-- events: key (event_id)
CREATE TABLE events_v6 (
    event_id        VARCHAR NOT NULL, -- hash of change, doc, kind, subject, attribute
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
INSERT INTO events_v6 SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_v6 RENAME TO events;

-- event_sources: key (event_id, source_id)
CREATE TABLE event_sources_v6 (
    event_id  VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    line      INTEGER
);
INSERT INTO event_sources_v6 SELECT * FROM event_sources;
DROP TABLE event_sources;
ALTER TABLE event_sources_v6 RENAME TO event_sources;

-- unresolved: key (change_id, doc, side, doc_line)
CREATE TABLE unresolved_v6 (
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
);
INSERT INTO unresolved_v6 SELECT * FROM unresolved;
DROP TABLE unresolved;
ALTER TABLE unresolved_v6 RENAME TO unresolved;

-- git_commits: key (repo_path, scope, commit_sha)
CREATE TABLE git_commits_v6 (
    repo_path   VARCHAR NOT NULL,   -- the work tree walked (absolute path)
    scope       VARCHAR NOT NULL,   -- the --paths globs as a sorted JSON list ('[]': all paths)
    commit_sha  VARCHAR NOT NULL,   -- full SHA
    parent_sha  VARCHAR,            -- first parent; NULL for a root commit
    seq         INTEGER NOT NULL,   -- walk order within (repo_path, scope)
    observed_at DATE    NOT NULL,   -- commit date
    source_id   VARCHAR NOT NULL,   -- the source the commit became
    walked_at   TIMESTAMP NOT NULL
);
INSERT INTO git_commits_v6 SELECT * FROM git_commits;
DROP TABLE git_commits;
ALTER TABLE git_commits_v6 RENAME TO git_commits;
