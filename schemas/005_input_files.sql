-- extractor schema, version 5: input files already ingested, by path and file status, so
-- that a re-run skips them without reading and hashing them again. A row is trusted only
-- while the file's size, modification time and inode are unchanged, and only when the
-- file was last modified well before the row was recorded (a file written in the same
-- instant as the ingest is read again: its modification time cannot tell).

CREATE TABLE IF NOT EXISTS input_files (
    path        VARCHAR NOT NULL,   -- absolute path, as given (symbolic links not resolved)
    size        BIGINT  NOT NULL,
    mtime_ns    BIGINT  NOT NULL,
    inode       BIGINT  NOT NULL,
    sha256      VARCHAR NOT NULL,   -- of the file's bytes
    recorded_ns BIGINT  NOT NULL    -- when the row was written (ns since the epoch)
);
