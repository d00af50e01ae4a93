-- name: service_limits
-- description: The service limits (per resource, per subscription) and their values (now or as of a date).
-- kinds: service_limit
-- param: limit text = null  Limit name or glob (max-files*, *assistant*); every limit when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per limit and document (service_limit_history). value is the number where the
-- cell starts with one (sizes in bytes), else the cell's text; value_raw is the cell as written.
SELECT name, value, value_num, value_raw, valid_from AS since, last_seen, fact_short_doc(doc) AS doc, link
FROM service_limit_history
WHERE ($limit IS NULL OR name GLOB $limit)
  AND fact_held(valid_from, valid_to, CAST($as_of AS DATE))
ORDER BY name, doc;
