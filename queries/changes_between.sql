-- name: changes_between
-- description: What changed between two dates (both included), one described line per change, in time order.
-- param: since date = null  First date (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: kind text = null  quota, batch_quota, retirement or region_availability; all when null.
-- param: model text = null  Model (or feature) name or glob; all when null.
SELECT observed_at, kind, model, change, description, fact_short_doc(doc) AS doc, link
FROM fact_changes
WHERE (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
  AND ($kind IS NULL OR kind = $kind)
  AND ($model IS NULL OR model GLOB $model)
ORDER BY seq, kind, doc, model, version NULLS FIRST, deployment_type NULLS FIRST, tier NULLS FIRST,
         subscription NULLS FIRST, region NULLS FIRST, attribute;
