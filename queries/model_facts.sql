-- name: model_facts
-- description: Everything known about one model as of a date: quotas, batch limits, retirement facts, regions per deployment type, specs, PTU sizing and default versions.
-- param: model text = gpt-4o  Model (or feature) name or glob.
-- param: as_of date = null  The date to answer for; the latest known state when null.
--
-- Region availability is folded into one row per version, deployment type and document:
-- value lists the regions, region counts them. scope is model_spec's (fine-tuning or null).
WITH f AS (
    SELECT * FROM fact_history
    WHERE model GLOB $model
      AND CASE WHEN CAST($as_of AS DATE) IS NULL THEN valid_to IS NULL
               ELSE valid_from <= CAST($as_of AS DATE) AND (valid_to IS NULL OR valid_to > CAST($as_of AS DATE)) END
)
SELECT kind, model, version, deployment_type, coalesce(tier, subscription) AS tier,
       json_extract_string(subject_json, '$.scope') AS scope, region, attribute,
       coalesce(replace(qualifier, '-', ' ') || ' ', '') || fact_value_text(value_json) AS value,
       valid_from AS since, last_seen, fact_short_doc(doc) AS doc, link
FROM f WHERE kind <> 'region_availability'
UNION ALL
SELECT 'region_availability', model, version, deployment_type, NULL, NULL, CAST(count(*) AS VARCHAR) || ' regions',
       'available', string_agg(region, ', ' ORDER BY region), min(valid_from), max(last_seen),
       fact_short_doc(doc), arg_max(link, valid_from)
FROM f WHERE kind = 'region_availability'
GROUP BY model, version, deployment_type, doc
ORDER BY kind, model, version NULLS FIRST, deployment_type NULLS FIRST, tier NULLS FIRST, scope NULLS FIRST,
         region NULLS FIRST,
         attribute, doc;
