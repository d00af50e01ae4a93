-- name: retirements_due
-- description: Model versions whose retirement date, as known on a date, falls within N days of it.
-- kinds: retirement
-- param: as_of date = today  The date to look ahead from (and what was known then).
-- param: days integer = 90  How many days ahead to look.
-- param: model text = null  Model name or glob; all when null.
WITH known AS (
    SELECT * FROM retirement_history
    WHERE valid_from <= CAST($as_of AS DATE) AND (valid_to IS NULL OR valid_to > CAST($as_of AS DATE))
)
SELECT d.model, d.version, d.value_date AS retirement_date,
       date_diff('day', CAST($as_of AS DATE), d.value_date) AS days_left, d.qualifier,
       r.value AS replacement, d.valid_from AS known_since, fact_short_doc(d.doc) AS doc, d.link
FROM known d
LEFT JOIN known r ON r.attribute = 'replacement' AND r.model = d.model
                 AND r.version IS NOT DISTINCT FROM d.version AND r.doc = d.doc
WHERE d.attribute = 'retirement_date'
  AND d.value_date >= CAST($as_of AS DATE)
  AND d.value_date <= CAST($as_of AS DATE) + CAST($days AS INTEGER)
  AND ($model IS NULL OR d.model GLOB $model)
ORDER BY retirement_date, d.model, d.version NULLS FIRST, doc;
