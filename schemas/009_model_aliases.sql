-- extractor schema, version 9: the aliases users add to the shipped ones (schemas/model_aliases.csv).
-- `extract aliases add ALIAS MODEL` / `extract aliases load FILE.csv` write here; the model
-- level (010_model_level.sql) reads the union of both (`model_aliases`).

-- key: (alias)
CREATE TABLE IF NOT EXISTS user_model_aliases (
    alias    VARCHAR NOT NULL,     -- a model name as documents write it, canonical form
    model    VARCHAR NOT NULL,     -- the model it names
    note     VARCHAR,
    added_at TIMESTAMP NOT NULL
);
