-- name: region_changes
-- description: Regions a model gained or lost between two dates, at the model level (whichever documents list it, any version).
-- kinds: region_availability
-- param: model text = null  Model name or glob (gpt-4.1, gpt-4.1*; aliases match too); all when null.
-- param: since date = null  First date (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: deployment_type text = null  Deployment type (global-standard, ...); all when null.
-- param: class text = model  model, feature or offer (what the subject is); every class when null.
--
-- From model_changes (schemas/010_model_level.sql): a (model, deployment type, region) is
-- gained when the first document starts to list it and lost when the last one stops, whatever
-- the version; a fact naming no deployment type counts only where none names one. A row
-- with a version says that version came or went while the model stayed listed there
-- (versions: the versions listed after the change, or before a loss). A region first seen
-- in context lines is not a gain. docs names the documents that made the change.
SELECT observed_at, model, version, deployment_type, region,
       CASE change WHEN 'added' THEN 'gained' WHEN 'removed' THEN 'lost' ELSE change END AS change,
       array_to_string(versions, ', ') AS versions, class, model_short_docs(docs) AS docs, link
FROM model_changes
WHERE fact_boolean_kind(kind)
  AND model_matches(model, $model)
  AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
  AND ($class IS NULL OR class = $class)
  AND (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
ORDER BY observed_at, model, version NULLS FIRST, deployment_type NULLS FIRST, change, region;
