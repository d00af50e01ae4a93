-- name: current_quotas
-- description: Quotas in force (or as of a date): TPM and RPM side by side per model, deployment type, tier and region.
-- param: model text = null  Model name or glob (o3, gpt-4.1*); every model when null.
-- param: deployment_type text = null  Deployment type (global-standard, standard, ...); all when null.
-- param: tier text = null  Tier (default, enterprise, ...); all when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per document that states the quota (see schemas/002_views.sql); since is the
-- date the later of the two values was set.
SELECT model, deployment_type, tier, region,
       max(value) FILTER (WHERE attribute = 'tpm') AS tpm,
       max(value) FILTER (WHERE attribute = 'rpm') AS rpm,
       max(valid_from) AS since, max(last_seen) AS last_seen,
       fact_short_doc(doc) AS doc, arg_max(link, valid_from) AS link
FROM quota_history
WHERE ($model IS NULL OR model GLOB $model)
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
  AND ($tier IS NULL OR tier = $tier)
  AND CASE WHEN CAST($as_of AS DATE) IS NULL THEN valid_to IS NULL
           ELSE valid_from <= CAST($as_of AS DATE) AND (valid_to IS NULL OR valid_to > CAST($as_of AS DATE)) END
GROUP BY model, deployment_type, tier, region, doc
ORDER BY model, deployment_type NULLS FIRST, tier NULLS FIRST, region NULLS FIRST, doc;
