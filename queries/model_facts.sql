-- name: model_facts
-- description: Everything known about one model as of a date, at the model level: quotas, batch limits, retirement facts, regions per deployment type, specs, PTU sizing and default versions.
-- param: model text = gpt-4o  Model (or feature) name or glob; aliases match too.
-- param: as_of date = null  The date to answer for; the latest known state when null.
--
-- From model_facts_as_of: one row per fact whichever documents state it (docs); two rows
-- with conflict true where documents disagree. Region availability is folded into one row
-- per deployment type: value lists the regions, region counts them, version the versions.
-- scope is model_spec's (fine-tuning or null).
WITH f AS (
    SELECT * FROM model_facts_as_of(CAST($as_of AS DATE))
    WHERE model_matches(model, $model)
)
SELECT kind, class, model, version, deployment_type, coalesce(tier, subscription) AS tier,
       json_extract_string(subject, '$.scope') AS scope, region, attribute,
       coalesce(replace(qualifier, '-', ' ') || ' ', '') || coalesce(format('{:,}', value_num), value) AS value,
       conflict, since, last_seen, model_short_docs(docs) AS docs, link
FROM f WHERE NOT fact_boolean_kind(kind)
UNION ALL
SELECT kind, any_value(class), model, nullif(array_to_string(list_sort(list_distinct(flatten(list(versions)))), ', '), ''),
       deployment_type, NULL, NULL, CAST(count(*) AS VARCHAR) || ' regions', any_value(attribute),
       string_agg(region, ', ' ORDER BY region), FALSE, min(since), max(last_seen),
       model_short_docs(list_sort(list_distinct(flatten(list(docs))))), arg_max(link, since)
FROM f WHERE fact_boolean_kind(kind)
GROUP BY kind, model, deployment_type
ORDER BY kind, model, version NULLS FIRST, deployment_type NULLS FIRST, tier NULLS FIRST, scope NULLS FIRST,
         region NULLS FIRST,
         attribute, value;
