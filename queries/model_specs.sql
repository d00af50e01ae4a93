-- name: model_specs
-- description: Context window, output and request token limits and training-data cut-off per model version (now or as of a date).
-- kinds: model_spec
-- param: model text = null  Model name or glob (aliases match too) (gpt-4o, o*); every model when null.
-- param: scope text = null  fine-tuning for the fine-tuning tables only, base for the others; both when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per model version, scope and document (model_spec_history); since is the date the
-- latest of its values was set. Base-model and fine-tuning tables never merge (scope).
SELECT model, version, scope,
       max(value_num) FILTER (WHERE attribute = 'context_window') AS context_window,
       max(value_num) FILTER (WHERE attribute = 'max_output_tokens') AS max_output_tokens,
       max(value_num) FILTER (WHERE attribute = 'max_request_tokens') AS max_request_tokens,
       max(value) FILTER (WHERE attribute = 'training_data') AS training_data,
       max(valid_from) AS since, max(last_seen) AS last_seen,
       fact_short_doc(doc) AS doc, arg_max(link, valid_from) AS link
FROM model_spec_history
WHERE model_matches(model, $model)
  AND ($scope IS NULL OR coalesce(scope, 'base') = $scope)
  AND fact_held(valid_from, valid_to, CAST($as_of AS DATE))
GROUP BY model, version, scope, doc
ORDER BY model, version NULLS FIRST, scope NULLS FIRST, doc;
