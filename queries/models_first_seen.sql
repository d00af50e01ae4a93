-- name: models_first_seen
-- description: Models (and features) by the date a source first mentioned them, with where and in which kinds.
-- param: since date = null  Only models first seen on or after this date; all when null.
-- param: until date = null  Only models first seen on or before this date; all when null.
--
-- Observations count: a model first seen in context lines is seen that day. The first seen
-- date is bounded by the oldest source in the store.
WITH seen AS (
    SELECT model, min(observed_at) AS first_seen, arg_min(kind, seq) AS first_kind,
           arg_min(fact_short_doc(doc), seq) AS first_doc, arg_min(change, seq) AS first_change,
           arg_min(link, seq) AS link,
           string_agg(DISTINCT kind, ', ' ORDER BY kind) AS kinds, count(*) AS events
    FROM fact_timeline
    WHERE model IS NOT NULL  -- kinds without a model (service limits, API versions) name none
    GROUP BY model
)
SELECT first_seen, model, first_kind, first_change, kinds, events, first_doc, link
FROM seen
WHERE (CAST($since AS DATE) IS NULL OR first_seen >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR first_seen <= CAST($until AS DATE))
ORDER BY first_seen, model;
