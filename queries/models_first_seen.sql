-- name: models_first_seen
-- description: Models by the date a source first mentioned them (any of their names), with where and in which kinds.
-- param: since date = null  Only models first seen on or after this date; all when null.
-- param: until date = null  Only models first seen on or before this date; all when null.
-- param: class text = model  model, feature or offer (what the subject is); every class when null.
--
-- At the model level: a model's aliases count as the model (names lists what documents
-- wrote). Observations count: a model first seen in context lines is seen that day. The
-- first seen date is bounded by the oldest source in the store.
WITH t AS (
    SELECT t.*, coalesce(a.model, t.model) AS canonical
    FROM fact_timeline t
    LEFT JOIN model_aliases a ON a.alias = t.model
    WHERE fact_model_kind(t.kind)
),
seen AS (
    SELECT canonical AS model, min(observed_at) AS first_seen, arg_min(kind, seq) AS first_kind,
           arg_min(fact_short_doc(doc), seq) AS first_doc, arg_min(change, seq) AS first_change,
           arg_min(link, seq) AS link,
           string_agg(DISTINCT kind, ', ' ORDER BY kind) AS kinds, count(*) AS events,
           string_agg(DISTINCT t.model, ', ' ORDER BY t.model) AS names
    FROM t
    GROUP BY canonical
)
SELECT s.first_seen, s.model, coalesce(ms.class, 'model') AS class, s.names, s.first_kind, s.first_change, s.kinds,
       s.events, s.first_doc, s.link
FROM seen s
LEFT JOIN model_subjects ms ON ms.model = s.model
WHERE (CAST($since AS DATE) IS NULL OR first_seen >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR first_seen <= CAST($until AS DATE))
  AND ($class IS NULL OR coalesce(ms.class, 'model') = $class)
ORDER BY first_seen, s.model;
