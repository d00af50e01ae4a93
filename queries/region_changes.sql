-- name: region_changes
-- description: Region gains and losses of a model (or feature) between two dates, one row per region and day.
-- param: model text = null  Model or feature name or glob (gpt-4.1, gpt-4.1*); all when null.
-- param: since date = null  First date (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: deployment_type text = null  Deployment type (global-standard, ...); all when null.
--
-- A region added to (or dropped from) several documents on one day is one row; docs lists them.
SELECT observed_at, model, version, deployment_type, region,
       CASE change WHEN 'added' THEN 'gained' ELSE 'lost' END AS change,
       string_agg(DISTINCT fact_short_doc(doc), ', ' ORDER BY fact_short_doc(doc)) AS docs,
       any_value(link) AS link
FROM fact_changes
WHERE kind = 'region_availability'
  AND (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
  AND ($model IS NULL OR model GLOB $model)
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
GROUP BY observed_at, seq, change_id, model, version, deployment_type, region, change
ORDER BY seq, model, version NULLS FIRST, deployment_type NULLS FIRST, change, region;
