-- extractor schema, version 7: facts moved between documents.
--
-- Within one change, a fact removed from one document and added to another has moved
-- (FACTS.md): the move is no event. The old document's row is kept in `events` with
-- change = 'moved' and the new document in `moved_to`: it closes the old document's span
-- in the history views and records the move (change, from doc, to doc, how many facts),
-- which `extract stats` and the digest show as one line. Exports and change counts leave
-- these rows out.
ALTER TABLE events ADD COLUMN moved_to VARCHAR;
