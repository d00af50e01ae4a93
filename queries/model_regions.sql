-- name: model_regions
-- description: Regions where a model (or feature) is listed as available, as of a date, with the deployment types per region.
-- param: model text = gpt-4o  Model or feature name or glob (gpt-4.1*).
-- param: as_of date = null  The date to answer for; the latest known state when null.
-- param: deployment_type text = null  Only this deployment type; all when null.
SELECT subject AS model, region,
       string_agg(DISTINCT coalesce(deployment_type, '-'), ', ' ORDER BY coalesce(deployment_type, '-')) AS deployment_types,
       string_agg(DISTINCT coalesce(version, '-'), ', ' ORDER BY coalesce(version, '-')) AS versions,
       min(valid_from) AS since, max(last_seen) AS last_seen,
       string_agg(DISTINCT fact_short_doc(doc), ', ' ORDER BY fact_short_doc(doc)) AS docs
FROM region_availability_history
WHERE subject GLOB $model
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
  AND CASE WHEN CAST($as_of AS DATE) IS NULL THEN valid_to IS NULL
           ELSE valid_from <= CAST($as_of AS DATE) AND (valid_to IS NULL OR valid_to > CAST($as_of AS DATE)) END
GROUP BY subject, region
ORDER BY model, region;
