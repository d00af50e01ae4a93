-- name: current_quotas
-- description: Quotas in force (or as of a date), at the model level: TPM and RPM side by side per model, deployment type, tier and region.
-- kinds: quota
-- param: model text = null  Model name or glob (o3, gpt-4.1*; aliases match too); every model when null.
-- param: deployment_type text = null  Deployment type (global-standard, standard, ...); all when null.
-- param: tier text = null  Tier (default, enterprise, ...); all when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- From model_facts_as_of: one row per quota, whichever documents state it (docs). Where
-- documents disagree, tpm / rpm are left empty and conflict lists every value with its
-- documents. since is the date the later of the two values was first stated; class says
-- what the subject is (an offer such as all-models is a quota too, but not a model).
WITH f AS (
    SELECT * FROM model_facts_as_of(CAST($as_of AS DATE))
    WHERE kind = 'quota'
      AND model_matches(model, $model)
      AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
      AND ($tier IS NULL OR tier = $tier)
)
SELECT model, deployment_type, tier, region,
       CASE WHEN NOT bool_or(conflict) FILTER (WHERE attribute = 'tpm') THEN max(value_num) FILTER (WHERE attribute = 'tpm') END AS tpm,
       CASE WHEN NOT bool_or(conflict) FILTER (WHERE attribute = 'rpm') THEN max(value_num) FILTER (WHERE attribute = 'rpm') END AS rpm,
       max(since) AS since, max(last_seen) AS last_seen, any_value(class) AS class,
       model_short_docs(list_sort(list_distinct(flatten(list(docs))))) AS docs, arg_max(link, since) AS link,
       string_agg(attribute || ' ' || value || ' (' || model_short_docs(docs) || ')', '; ' ORDER BY attribute, value)
           FILTER (WHERE conflict) AS conflict
FROM f
GROUP BY model, deployment_type, tier, region
ORDER BY model, deployment_type NULLS FIRST, tier NULLS FIRST, region NULLS FIRST;
