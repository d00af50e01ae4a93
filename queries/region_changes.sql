-- name: region_changes
-- description: Regions a model (or feature) gained or lost between two dates, whichever documents list them.
-- param: model text = null  Model or feature name or glob (gpt-4.1, gpt-4.1*); all when null.
-- param: since date = null  First date (inclusive); from the beginning when null.
-- param: until date = null  Last date (inclusive); up to the latest when null.
-- param: deployment_type text = null  Deployment type (global-standard, ...); all when null.
--
-- Per (model, version, deployment type, region), the availability spans of every document
-- are merged: a region is gained when no document listed it and one starts to (a region
-- first seen in context lines is not a gain: it may have been listed long before), and lost
-- when the last document listing it stops. docs names the documents that made the change.
WITH s AS (
    SELECT subject, version, deployment_type, region, doc, valid_from,
           coalesce(valid_to, DATE '9999-12-31') AS vt, opened_by, link, closed_link
    FROM region_availability_history
    WHERE ($model IS NULL OR subject GLOB $model)
      AND ($deployment_type IS NULL OR deployment_type = $deployment_type)
),
o AS (
    SELECT *, max(vt) OVER (PARTITION BY subject, version, deployment_type, region ORDER BY valid_from, vt, doc
                            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM s
),
i AS (
    SELECT *, sum(CASE WHEN prev_end IS NULL OR valid_from > prev_end THEN 1 ELSE 0 END)
                  OVER (PARTITION BY subject, version, deployment_type, region ORDER BY valid_from, vt, doc
                        ROWS UNBOUNDED PRECEDING) AS island
    FROM o
),
b AS (
    SELECT *, min(valid_from) OVER k AS start, max(vt) OVER k AS stop
    FROM i
    WINDOW k AS (PARTITION BY subject, version, deployment_type, region, island)
),
moves AS (
    SELECT start AS observed_at, subject, version, deployment_type, region, 'gained' AS change,
           string_agg(DISTINCT fact_short_doc(doc), ', ' ORDER BY fact_short_doc(doc)) FILTER (WHERE valid_from = start) AS docs,
           min(link) FILTER (WHERE valid_from = start) AS link
    FROM b
    GROUP BY subject, version, deployment_type, region, island, start
    HAVING bool_or(opened_by <> 'observed') FILTER (WHERE valid_from = start)
    UNION ALL
    SELECT stop, subject, version, deployment_type, region, 'lost',
           string_agg(DISTINCT fact_short_doc(doc), ', ' ORDER BY fact_short_doc(doc)) FILTER (WHERE vt = stop),
           min(closed_link) FILTER (WHERE vt = stop)
    FROM b
    WHERE stop < DATE '9999-12-31'
    GROUP BY subject, version, deployment_type, region, island, stop
)
SELECT observed_at, subject AS model, version, deployment_type, region, change, docs, link
FROM moves
WHERE (CAST($since AS DATE) IS NULL OR observed_at >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR observed_at <= CAST($until AS DATE))
ORDER BY observed_at, model, version NULLS FIRST, deployment_type NULLS FIRST, change, region;
