-- name: retirement_moves
-- description: Retirement and deprecation dates that moved, at the model level: from what to what, and by how many days.
-- kinds: retirement
-- param: since date = null  First date the move was seen (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: model text = null  Model name or glob (aliases match too); all when null.
--
-- From model_changes: a date moved from one document to another, or to an alias of the
-- model, is one move when its value changed on the way, and none when it did not. names
-- lists the model's names as the documents wrote them; docs the documents of the change.
SELECT observed_at, model, version, attribute, CAST(old AS DATE) AS moved_from, CAST(new AS DATE) AS moved_to,
       date_diff('day', CAST(old AS DATE), CAST(new AS DATE)) AS days, qualifier,
       model_short_docs(docs) AS docs, link, array_to_string(names, ', ') AS names
FROM model_changes
WHERE kind = 'retirement' AND change = 'changed'
  AND fact_date_attribute(attribute)
  AND try_cast(old AS DATE) IS NOT NULL AND try_cast(new AS DATE) IS NOT NULL
  AND (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
  AND model_matches(model, $model)
ORDER BY observed_at, model, version NULLS FIRST, attribute;
