-- name: ptu_sizing
-- description: Provisioned throughput per model and deployment type: minimum PTUs, scale increment, TPM per PTU and latency target (now or as of a date).
-- kinds: ptu
-- param: model text = null  Model name or glob (aliases match too); every model when null.
-- param: deployment_type text = null  global-provisioned, data-zone-provisioned or provisioned; all when null.
-- param: as_of date = null  The date to answer for; the latest known values when null.
--
-- One row per model, deployment type and document (ptu_history). The TPM per PTU and the
-- latency target are stated for a model without a deployment type (deployment_type null):
-- each row of a deployment type shows them too, from the model's row without one.
WITH h AS (
    SELECT * FROM ptu_history
    WHERE model_matches(model, $model)
      AND fact_held(valid_from, valid_to, CAST($as_of AS DATE))
), per_type AS (
    SELECT model, deployment_type, doc,
           max(value) FILTER (WHERE attribute = 'min_ptu') AS min_ptu,
           max(value) FILTER (WHERE attribute = 'increment') AS increment,
           max(value) FILTER (WHERE attribute = 'input_tpm_per_ptu') AS input_tpm_per_ptu,
           max(value) FILTER (WHERE attribute = 'output_tpm_per_ptu') AS output_tpm_per_ptu,
           max(value) FILTER (WHERE attribute = 'latency_target_tps') AS latency_target_tps,
           max(valid_from) AS since, max(last_seen) AS last_seen, arg_max(link, valid_from) AS link
    FROM h GROUP BY model, deployment_type, doc
)
SELECT t.model, t.deployment_type, t.min_ptu, t.increment,
       coalesce(t.input_tpm_per_ptu, g.input_tpm_per_ptu) AS input_tpm_per_ptu,
       coalesce(t.output_tpm_per_ptu, g.output_tpm_per_ptu) AS output_tpm_per_ptu,
       coalesce(t.latency_target_tps, g.latency_target_tps) AS latency_target_tps,
       greatest(t.since, g.since) AS since, greatest(t.last_seen, g.last_seen) AS last_seen,
       fact_short_doc(t.doc) AS doc, t.link
FROM per_type t
LEFT JOIN per_type g ON g.model = t.model AND g.doc = t.doc AND g.deployment_type IS NULL
                    AND t.deployment_type IS NOT NULL
WHERE ($deployment_type IS NULL OR t.deployment_type = $deployment_type)
ORDER BY t.model, t.deployment_type NULLS FIRST, doc;
