-- name: quota_history
-- description: Quota history of a model: every TPM / RPM value it has had, one row per value span.
-- kinds: quota
-- param: model text = null  Model name or glob (o3, gpt-4.1*); every model when null.
-- param: deployment_type text = null  Deployment type (global-standard, standard, ...); all when null.
-- param: tier text = null  Tier (default, enterprise, tier-1, ...); all when null.
-- param: attribute text = null  tpm or rpm; both when null.
--
-- valid_to is the date the value stopped being stated (null: still stated); previous is the
-- value the change replaced; last_seen the latest date a source showed the value.
SELECT model, deployment_type, tier, region, attribute, value, previous, valid_from, valid_to, last_seen,
       opened_by, closed_by, fact_short_doc(doc) AS doc, source_file, link
FROM quota_history
WHERE ($model IS NULL OR model GLOB $model)
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
  AND ($tier IS NULL OR tier = $tier)
  AND ($attribute IS NULL OR attribute = $attribute)
ORDER BY model, deployment_type NULLS FIRST, tier NULLS FIRST, region NULLS FIRST, attribute, doc, valid_from;
