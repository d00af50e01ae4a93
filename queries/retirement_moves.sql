-- name: retirement_moves
-- description: Retirement and deprecation dates that moved, from what to what, and by how many days.
-- param: since date = null  First date the move was seen (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: model text = null  Model name or glob; all when null.
SELECT observed_at, model, version, attribute, CAST(old_value AS DATE) AS moved_from, CAST(new_value AS DATE) AS moved_to,
       date_diff('day', CAST(old_value AS DATE), CAST(new_value AS DATE)) AS days, qualifier,
       fact_short_doc(doc) AS doc, link
FROM fact_changes
WHERE kind = 'retirement' AND change = 'changed'
  AND attribute IN ('retirement_date', 'deprecation_date')
  AND try_cast(old_value AS DATE) IS NOT NULL AND try_cast(new_value AS DATE) IS NOT NULL
  AND (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
  AND ($model IS NULL OR model GLOB $model)
ORDER BY seq, model, version NULLS FIRST, attribute, doc;
