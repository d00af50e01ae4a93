-- extractor schema, version 3: the commits a git walk has ingested, so that the next
-- walk of the same repository and path scope continues after the last one.

CREATE TABLE IF NOT EXISTS git_commits (
    repo_path   VARCHAR NOT NULL,   -- the work tree walked (absolute path)
    scope       VARCHAR NOT NULL,   -- the --paths globs as a sorted JSON list ('[]': all paths)
    commit_sha  VARCHAR NOT NULL,   -- full SHA
    parent_sha  VARCHAR,            -- first parent; NULL for a root commit
    seq         INTEGER NOT NULL,   -- walk order within (repo_path, scope)
    observed_at DATE    NOT NULL,   -- commit date
    source_id   VARCHAR NOT NULL,   -- the source the commit became
    walked_at   TIMESTAMP NOT NULL
    -- key: (repo_path, scope, commit_sha)
);
