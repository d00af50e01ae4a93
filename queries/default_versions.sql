-- name: default_versions
-- description: The default version of each model, the version auto-updating deployments move to, and when (now or as of a date).
-- kinds: default_version
-- param: model text = null  Model name or glob (aliases match too); every model when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per model and document (default_version_history).
SELECT model,
       max(value) FILTER (WHERE attribute = 'default_version') AS default_version,
       max(value) FILTER (WHERE attribute = 'new_default_version') AS new_default_version,
       max(value_date) FILTER (WHERE attribute = 'upgrade_date') AS upgrade_date,
       max(valid_from) AS since, max(last_seen) AS last_seen,
       fact_short_doc(doc) AS doc, arg_max(link, valid_from) AS link
FROM default_version_history
WHERE model_matches(model, $model)
  AND fact_held(valid_from, valid_to, CAST($as_of AS DATE))
GROUP BY model, doc
ORDER BY model, doc;
