-- name: retirements_due
-- description: Model versions whose retirement date, as known on a date, falls within N days of it, at the model level.
-- kinds: retirement
-- param: as_of date = today  The date to look ahead from (and what was known then).
-- param: days integer = 90  How many days ahead to look.
-- param: model text = null  Model name or glob (aliases match too); all when null.
--
-- From model_facts_as_of: one row per model version and retirement date, whichever documents
-- state it (docs); where documents disagree, each date is a row with conflict true.
-- known_since: the first date a document stated that date.
WITH known AS (
    SELECT * FROM model_facts_as_of(CAST($as_of AS DATE)) WHERE kind = 'retirement'
)
SELECT d.model, d.version, CAST(d.value AS DATE) AS retirement_date,
       date_diff('day', CAST($as_of AS DATE), CAST(d.value AS DATE)) AS days_left, d.qualifier,
       string_agg(DISTINCT r.value, ' | ' ORDER BY r.value) AS replacement, d.since AS known_since, d.conflict,
       model_short_docs(d.docs) AS docs, d.link
FROM known d
LEFT JOIN known r ON r.attribute = 'replacement' AND r.subject = d.subject
WHERE d.attribute = 'retirement_date'
  AND try_cast(d.value AS DATE) >= CAST($as_of AS DATE)
  AND try_cast(d.value AS DATE) <= CAST($as_of AS DATE) + CAST($days AS INTEGER)
  AND model_matches(d.model, $model)
GROUP BY d.model, d.version, d.value, d.qualifier, d.since, d.conflict, d.docs, d.link
ORDER BY retirement_date, d.model, d.version NULLS FIRST, docs;
