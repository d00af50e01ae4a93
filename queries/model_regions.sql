-- name: model_regions
-- description: Regions where a model (or feature) is available, as of a date, at the model level: deployment types and versions per region.
-- kinds: region_availability
-- param: model text = gpt-4o  Model or feature name or glob (gpt-4.1*; aliases match too).
-- param: as_of date = null  The date to answer for; the latest known state when null.
-- param: deployment_type text = null  Only this deployment type; all when null.
--
-- From model_facts_as_of: one row per model and region, whichever documents list it
-- (docs); a deployment type shows as '-' only where no document names one for that region.
SELECT model, region,
       string_agg(DISTINCT coalesce(deployment_type, '-'), ', ' ORDER BY coalesce(deployment_type, '-')) AS deployment_types,
       coalesce(nullif(array_to_string(list_sort(list_distinct(flatten(list(versions)))), ', '), ''), '-') AS versions,
       min(since) AS since, max(last_seen) AS last_seen, any_value(class) AS class,
       model_short_docs(list_sort(list_distinct(flatten(list(docs))))) AS docs
FROM model_facts_as_of(CAST($as_of AS DATE))
WHERE fact_boolean_kind(kind)
  AND model_matches(model, $model)
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
GROUP BY model, region
ORDER BY model, region;
