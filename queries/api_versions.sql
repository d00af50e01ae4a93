-- name: api_versions
-- description: The latest preview and GA release of each API surface (now or as of a date).
-- kinds: api_version
-- param: api text = null  API name or glob (data-plane-inference, control-plane, data-plane*); every API when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per API and document (api_version_history).
SELECT api,
       max(value) FILTER (WHERE attribute = 'latest_preview') AS latest_preview,
       max(value) FILTER (WHERE attribute = 'latest_ga') AS latest_ga,
       max(valid_from) AS since, max(last_seen) AS last_seen,
       fact_short_doc(doc) AS doc, arg_max(link, valid_from) AS link
FROM api_version_history
WHERE ($api IS NULL OR api GLOB $api)
  AND fact_held(valid_from, valid_to, CAST($as_of AS DATE))
GROUP BY api, doc
ORDER BY api, doc;
