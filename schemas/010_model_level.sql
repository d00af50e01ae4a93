-- extractor schema, version 10: the model level (FACTS.md, "The model level").
-- repeatable: views and macros only (CREATE OR REPLACE), re-applied when the text changes.
-- generated: model views -- the store runs extractor.store.model_sql.views_sql() before this file (the
-- subject-key macros from the kind registry, the shipped aliases and services as views, the
-- document-area macros); its text is part of the checksum.
--
-- The per-document history (fact_history, 002_views.sql) says what each document stated.
-- These views consolidate it per model, over every kind of the registry:
--
-- * model_aliases: the shipped aliases and the users' (user_model_aliases, which win).
--   A fact's model is its canonical name; `names` keeps what documents wrote.
-- * model_spans: fact_history with the canonical model, the document's area and service, and
--   the model-level subject key (`subject`: the kind's subject keys as JSON) and, for
--   availability kinds, the place key (the subject without version and deployment type).
-- * model_subjects: one row per subject name (canonical): class model / feature / offer,
--   service(s), areas, the names written. A subject is a `feature` when every document
--   stating it is in an area whose subjects are features (document_services: Azure AI
--   Search) or is the feature page whose own region list names it (how-to/responses.md ->
--   responses-api); an `offer` when it is stated only in rows of an offer tier (the "other
--   offer types" quota table: credit-card, msdn, free-trial, ... , never default, enterprise
--   or tier-N) and under a family name as that table writes them (all-models, gpt-4-series,
--   o-series), nowhere else; else a `model` (gpt-4.5-preview in that table is a model). Kinds whose
--   subject names no model (a service limit, an API version) have class `service`.
-- * Values (every kind that is not boolean): per (kind, subject, attribute) the state on a
--   date is the set of values the documents then state. One value: that value; two or more:
--   a conflict (every value, with its documents); none: not stated. A change is a change of
--   that set: a value moved between documents (or to an alias) on one day is no change; a
--   value changed on the way is one `changed`; one document dropping a value another still
--   states is no change.
-- * Availability (boolean kinds, region_availability): per (model, deployment type, region)
--   (the place key plus the deployment type) it holds while at least one document states it,
--   whatever the version: gained when the first starts, lost when the last stops. A fact
--   naming no deployment type is covered by any fact naming one for the same model and
--   region: such a row shows (deployment type null) only while no typed fact holds, and it
--   is gained or lost only when the model gains or loses the region as a whole. The versions
--   are a detail: a version added or dropped while the row holds (and versions were known
--   before and after) is its own change, naming the version.
-- * A change is reported only when a source showed it: a state first known from context
--   rows (opened_by observed) or from a source's before side (inferred, gap) is known, not
--   changed; such a state still shows in model_facts_as_of. What a change replaced counts
--   as held just before it even where no source showed it earlier: the old value of a
--   `changed` that opens a document's history, and a value `removed` before anything was
--   known of it (model_spans: a zero-length `before_only` span).
--
-- Views: model_aliases, model_spans, model_subjects, model_states, model_changes,
-- model_facts_as_of(d) (d NULL: the current state), model_conflicts, area_sources,
-- area_coverage; macros for the named queries: model_matches(model, pattern) (a name or glob,
-- aliases included), model_short_docs(docs), model_change_text(...) (model_changes.description).

CREATE OR REPLACE VIEW model_aliases WITH (DEFER_BINDING) AS
SELECT alias, model, note, 'user' AS origin FROM user_model_aliases
UNION ALL
SELECT b.alias, b.model, b.note, 'builtin' FROM builtin_model_aliases b
WHERE b.alias NOT IN (SELECT alias FROM user_model_aliases);

-- A value naming models (`dalle-3 or gpt-4o (2024-11-20)`) with each model's canonical name
-- (`names`: alias -> model), the alternatives sorted again.
CREATE OR REPLACE MACRO model_names_canonical(v, names) AS
    array_to_string(list_sort(list_transform(string_split(v, ' or '), lambda x:
        coalesce(names[regexp_extract(x, '^[^ (]+')], regexp_extract(x, '^[^ (]+')) || regexp_extract(x, '^[^ (]+(.*)$', 1))),
        ' or ');

CREATE OR REPLACE VIEW model_spans WITH (DEFER_BINDING) AS
WITH b AS (
    -- a value removed (or removed again) where the document's history knew none before: the
    -- document stated it until that change, from a start no source showed (a zero-length
    -- span [t, t), `before_only`, so that the model level sees what held just before t)
    SELECT t.kind, t.key_doc AS doc, t.model, t.version, t.deployment_type, t.tier, t.subscription, t.region,
           t.subject_json, t.attribute, t.old_json AS value_json, t.old_raw AS value_raw, t.qualifier,
           t.observed_at AS valid_from, t.observed_at AS valid_to, t.observed_at AS last_seen, 'before' AS opened_by,
           'removed' AS closed_by, FALSE AS inferred, CAST(NULL AS VARCHAR) AS previous_json,
           CAST(NULL AS VARCHAR) AS link, t.link AS closed_link, t.source_file, TRUE AS before_only
    FROM (SELECT *, lag(state_json) OVER (PARTITION BY kind, key_doc, subject_json, attribute ORDER BY seq) AS prev_state
          FROM fact_timeline) t
    WHERE t.change = 'removed' AND t.prev_state IS NULL AND t.old_json IS NOT NULL
),
u0 AS (
    SELECT kind, doc, model, version, deployment_type, tier, subscription, region, subject_json, attribute, value_json,
           value_raw, qualifier, valid_from, valid_to, last_seen, opened_by, closed_by, inferred, previous_json, link,
           closed_link, source_file, FALSE AS before_only
    FROM fact_history
    UNION ALL
    SELECT * FROM b
),
-- A feature page (a document whose own region list names its feature: how-to/stored-completions.md
-- -> stored-completions) that shows a table of models by region states the feature's
-- availability in each region a model row holds, naming no version nor deployment type: a
-- page that replaces its list by such a table is no loss of the feature's regions.
feature_docs AS (
    SELECT DISTINCT doc FROM events WHERE fact_boolean_kind(kind) AND model = model_doc_feature(doc)
),
u AS (
    SELECT * FROM u0
    UNION ALL
    SELECT u0.kind, u0.doc, model_doc_feature(u0.doc), NULL, NULL, u0.tier, u0.subscription, u0.region,
           json_object('subject', model_doc_feature(u0.doc), 'version', NULL, 'deployment_type', NULL, 'region', u0.region),
           u0.attribute, u0.value_json, u0.value_raw, u0.qualifier, u0.valid_from, u0.valid_to, u0.last_seen,
           u0.opened_by, u0.closed_by, u0.inferred, u0.previous_json, u0.link, u0.closed_link, u0.source_file,
           u0.before_only
    FROM u0
    JOIN feature_docs USING (doc)
    WHERE fact_boolean_kind(u0.kind) AND u0.model <> model_doc_feature(u0.doc)
),
h AS (
    SELECT u.*, model_doc_area(u.doc) AS area, coalesce(a.model, u.model) AS canonical
    FROM u
    LEFT JOIN model_aliases a ON a.alias = u.model
),
am AS (SELECT map(list(alias), list(model)) AS names FROM model_aliases)
SELECT h.kind, h.doc, h.area, coalesce(s.service, h.area) AS service,
       h.canonical AS model, h.model AS written_model,
       h.version, h.deployment_type, h.tier, h.subscription, h.region,
       model_subject_key(h.kind, h.canonical, h.version, h.deployment_type, h.tier, h.subscription, h.region,
                         h.subject_json) AS subject,
       model_place_key(h.kind, h.canonical, h.version, h.deployment_type, h.tier, h.subscription, h.region,
                       h.subject_json) AS place,
       h.attribute,
       CASE WHEN fact_names_models(h.kind, h.attribute) THEN model_names_canonical(json_extract_string(h.value_json, '$'), am.names)
            ELSE json_extract_string(h.value_json, '$') END AS value,
       try_cast(h.value_json AS BIGINT) AS value_num,
       h.value_json, h.value_raw, h.qualifier,
       h.valid_from, h.valid_to, h.last_seen, h.opened_by, h.closed_by, h.inferred, h.before_only,
       -- the value a `changed` event replaced, where the span it opens is the first known
       CASE WHEN h.opened_by <> 'changed' THEN NULL
            WHEN fact_names_models(h.kind, h.attribute) THEN model_names_canonical(json_extract_string(h.previous_json, '$'), am.names)
            ELSE json_extract_string(h.previous_json, '$') END AS previous,
       h.opened_by NOT IN ('observed', 'inferred', 'gap', 'before') AS opened_by_change,
       coalesce(h.closed_by NOT IN ('observed', 'inferred', 'gap'), FALSE) AS closed_by_change,
       h.link, h.closed_link, h.source_file
FROM h
CROSS JOIN am
LEFT JOIN document_services s ON s.area = h.area;

CREATE OR REPLACE VIEW model_subjects WITH (DEFER_BINDING) AS
WITH e AS (
    SELECT DISTINCT kind, doc, model, tier FROM events WHERE model IS NOT NULL AND change <> 'moved'
),
ev AS (
    SELECT e.kind, e.doc, model_doc_area(e.doc) AS area, e.model AS written, coalesce(a.model, e.model) AS model,
           CASE WHEN s.class = 'feature' THEN 'feature'
                WHEN fact_boolean_kind(e.kind) AND e.model = model_doc_feature(e.doc) THEN 'feature'
                WHEN e.tier IS NOT NULL AND e.tier NOT IN ('default', 'enterprise') AND e.tier NOT LIKE 'tier-%'
                     AND regexp_matches(e.model, '(^|-)series$|^all-models$') THEN 'offer'
                ELSE 'model' END AS evidence
    FROM e
    LEFT JOIN model_aliases a ON a.alias = e.model
    LEFT JOIN document_services s ON s.area = model_doc_area(e.doc)
)
SELECT ev.model,
       CASE WHEN bool_and(evidence = 'feature') THEN 'feature'
            WHEN bool_and(evidence = 'offer') THEN 'offer'
            ELSE 'model' END AS class,
       string_agg(DISTINCT coalesce(s.service, ev.area), ', ' ORDER BY coalesce(s.service, ev.area)) AS service,
       list(DISTINCT ev.area ORDER BY ev.area) AS areas,
       list(DISTINCT ev.written ORDER BY ev.written) AS names,
       list(DISTINCT ev.kind ORDER BY ev.kind) AS kinds,
       list(DISTINCT ev.doc ORDER BY ev.doc) AS docs
FROM ev
LEFT JOIN document_services s ON s.area = ev.area
GROUP BY ev.model;

-- The model-level states, at each date a document's span of the row starts or ends: for
-- values (family 'value', key = the subject) the set of values stated (vals); for
-- availability (family 'availability', key = the place, one row per deployment type)
-- whether it is available, whether the place is stated at all (anywhere) and the versions.
-- `shown`: a source showed a change of a span of the row that day (not only an observation
-- or an inferred state). The spans are read once (MATERIALIZED) for both families.
CREATE OR REPLACE VIEW model_states WITH (DEFER_BINDING) AS
WITH s AS MATERIALIZED (SELECT * FROM model_spans),
vs AS (SELECT * FROM s WHERE NOT fact_boolean_kind(kind)),
vp AS (
    SELECT kind, subject, attribute, valid_from AS t FROM vs
    UNION
    SELECT kind, subject, attribute, valid_to FROM vs WHERE valid_to IS NOT NULL
),
v AS (
    SELECT 'value' AS family, p.kind, p.subject AS key, p.attribute, p.t,
           any_value(s.model) AS model, any_value(s.version) AS version, any_value(s.deployment_type) AS deployment_type,
           any_value(s.tier) AS tier, any_value(s.subscription) AS subscription, any_value(s.region) AS region,
           coalesce(list_sort(list(DISTINCT s.value) FILTER (WHERE fact_held(s.valid_from, s.valid_to, p.t))),
                    []) AS vals,
           coalesce(list_sort(list(DISTINCT coalesce(s.previous, s.value)) FILTER (
                        WHERE (s.valid_from = p.t AND s.previous IS NOT NULL) OR (s.before_only AND s.valid_to = p.t))),
                    []) AS before_vals,
           NULL::BOOLEAN AS available, NULL::BOOLEAN AS anywhere, NULL::BOOLEAN AS before_held,
           NULL::BOOLEAN AS before_any, CAST([] AS VARCHAR[]) AS versions,
           coalesce(bool_or((s.valid_from = p.t AND s.opened_by_change) OR (s.valid_to = p.t AND s.closed_by_change)), FALSE)
               AS shown,
           list(DISTINCT s.doc ORDER BY s.doc) FILTER (WHERE s.valid_from = p.t OR s.valid_to = p.t) AS docs,
           coalesce(min(s.link) FILTER (WHERE s.valid_from = p.t AND s.opened_by_change),
                    min(s.closed_link) FILTER (WHERE s.valid_to = p.t AND s.closed_by_change)) AS link,
           string_agg(fact_short_doc(s.doc) || ': ' || s.value, '; ' ORDER BY s.value, s.doc)
               FILTER (WHERE fact_held(s.valid_from, s.valid_to, p.t)) AS stated,
           arg_max(s.qualifier, s.valid_from) FILTER (WHERE fact_held(s.valid_from, s.valid_to, p.t))
               AS qualifier,
           list(DISTINCT s.written_model ORDER BY s.written_model) FILTER (WHERE s.written_model IS NOT NULL) AS names,
           string_agg(DISTINCT s.service, ', ' ORDER BY s.service) AS service
    FROM vp p
    JOIN vs s USING (kind, subject, attribute)
    GROUP BY p.kind, p.subject, p.attribute, p.t
),
avs AS (SELECT * FROM s WHERE fact_boolean_kind(kind)),
ap AS (
    SELECT kind, place, valid_from AS t FROM avs
    UNION
    SELECT kind, place, valid_to FROM avs WHERE valid_to IS NOT NULL
),
-- per place: whether any fact, and any typed fact, holds at each date
pl AS (
    SELECT p.kind, p.place, p.t,
           coalesce(bool_or(s.deployment_type IS NOT NULL AND fact_held(s.valid_from, s.valid_to, p.t)),
                    FALSE) AS typed,
           coalesce(bool_or(fact_held(s.valid_from, s.valid_to, p.t)), FALSE) AS anywhere,
           coalesce(bool_or(s.before_only AND s.valid_to = p.t), FALSE) AS before_any
    FROM ap p
    JOIN avs s USING (kind, place)
    GROUP BY p.kind, p.place, p.t
),
ty AS (SELECT DISTINCT kind, place, deployment_type FROM avs),
-- per place and deployment type
pt AS (
    SELECT p.kind, p.place, ty.deployment_type, p.t,
           coalesce(bool_or(fact_held(s.valid_from, s.valid_to, p.t)), FALSE) AS held,
           coalesce(bool_or(s.before_only AND s.valid_to = p.t), FALSE) AS before_held,
           coalesce(list_sort(list(DISTINCT s.version) FILTER (WHERE s.version IS NOT NULL AND fact_held(s.valid_from, s.valid_to, p.t))), []) AS versions,
           coalesce(bool_or((s.valid_from = p.t AND s.opened_by_change) OR (s.valid_to = p.t AND s.closed_by_change)), FALSE)
               AS shown,
           list(DISTINCT s.doc ORDER BY s.doc) FILTER (WHERE s.valid_from = p.t OR s.valid_to = p.t) AS docs,
           coalesce(min(s.link) FILTER (WHERE s.valid_from = p.t AND s.opened_by_change),
                    min(s.closed_link) FILTER (WHERE s.valid_to = p.t AND s.closed_by_change)) AS link,
           any_value(s.model) AS model, any_value(s.tier) AS tier, any_value(s.subscription) AS subscription,
           any_value(s.region) AS region, any_value(s.attribute) AS attribute,
           list(DISTINCT s.written_model ORDER BY s.written_model) FILTER (WHERE s.written_model IS NOT NULL) AS names,
           string_agg(DISTINCT s.service, ', ' ORDER BY s.service) AS service
    FROM ap p
    JOIN ty USING (kind, place)
    JOIN avs s ON s.kind = p.kind AND s.place = p.place AND s.deployment_type IS NOT DISTINCT FROM ty.deployment_type
    GROUP BY p.kind, p.place, ty.deployment_type, p.t
),
a AS (
    SELECT 'availability' AS family, pt.kind, pt.place AS key, pt.attribute, pt.t, pt.model,
           CAST(NULL AS VARCHAR) AS version, pt.deployment_type, pt.tier, pt.subscription, pt.region,
           CAST([] AS VARCHAR[]) AS vals, CAST([] AS VARCHAR[]) AS before_vals,
           pt.held AND (pt.deployment_type IS NOT NULL OR NOT pl.typed) AS available, pl.anywhere, pt.before_held,
           pl.before_any, pt.versions,
           pt.shown, pt.docs, pt.link, CAST(NULL AS VARCHAR) AS stated, CAST(NULL AS VARCHAR) AS qualifier,
           pt.names, pt.service
    FROM pt
    JOIN pl USING (kind, place, t)
),
u AS (SELECT * FROM v UNION ALL BY NAME SELECT * FROM a)
SELECT * EXCLUDE (before_vals, before_held, before_any),
       -- what held just before t: the state at the previous date, and what the day's
       -- changes say held before them where no source showed it (`previous`, before_only)
       list_sort(list_distinct(list_concat(coalesce(lag(vals) OVER w, []), before_vals))) AS prev_vals,
       coalesce(lag(available) OVER w, FALSE) OR coalesce(before_held, FALSE) AS prev_available,
       coalesce(lag(anywhere) OVER w, FALSE) OR coalesce(before_any, FALSE) AS prev_anywhere,
       coalesce(lag(versions) OVER w, []) AS prev_versions
FROM u
WINDOW w AS (PARTITION BY family, kind, key, attribute, deployment_type ORDER BY t);

-- A model-level change in words: "o1 (global-standard): now available in eastus2",
-- "gpt-4o 2024-05-13 retirement date moved 2025-06-30 → 2025-09-15 (+77 days)", "... :
-- documents disagree: ...".
CREATE OR REPLACE MACRO model_change_text(kind, model, version, deployment_type, tier, subscription, region, subject,
                                         attribute, change, old, new, qualifier, conflict, stated) AS
    fact_subject_label(kind, model, version, deployment_type, tier, subscription, region, subject)
    || CASE WHEN fact_boolean_kind(kind) AND change = 'added' THEN ': now ' || fact_attribute_label(attribute)
                                                                  || coalesce(' in ' || region, '')
            WHEN fact_boolean_kind(kind) THEN ': no longer listed' || coalesce(' in ' || region, '')
            WHEN conflict THEN ' ' || fact_attribute_label(attribute) || ': documents disagree: ' || stated
            WHEN change = 'added' THEN ' ' || fact_attribute_label(attribute) || ': '
                                       || coalesce(replace(qualifier, '-', ' ') || ' ', '') || new || ' (new)'
            WHEN change = 'removed' THEN ' ' || fact_attribute_label(attribute) || ': ' || old || ' removed'
            WHEN fact_date_attribute(attribute) AND try_cast(old AS DATE) IS NOT NULL AND try_cast(new AS DATE) IS NOT NULL
                THEN ' ' || fact_attribute_label(attribute) || ' moved ' || old || ' → '
                     || coalesce(replace(qualifier, '-', ' ') || ' ', '') || new || ' ('
                     || printf('%+d', date_diff('day', CAST(old AS DATE), CAST(new AS DATE))) || ' days)'
            ELSE ' ' || fact_attribute_label(attribute) || ': ' || old || ' → ' || coalesce(replace(qualifier, '-', ' ') || ' ', '')
                 || new END;

-- One row per model-level change (see the header).
CREATE OR REPLACE VIEW model_changes WITH (DEFER_BINDING) AS
WITH st AS MATERIALIZED (SELECT * FROM model_states WHERE shown),
v0 AS (
    SELECT t AS observed_at, kind, model, version, deployment_type, tier, subscription, region, key AS subject, attribute,
           CASE WHEN len(prev_vals) = 0 THEN 'added' WHEN len(vals) = 0 THEN 'removed' ELSE 'changed' END AS change,
           nullif(array_to_string(prev_vals, ' | '), '') AS old, nullif(array_to_string(vals, ' | '), '') AS new,
           qualifier, CAST(NULL AS VARCHAR[]) AS versions, len(vals) > 1 AS conflict,
           CASE WHEN len(vals) > 1 THEN stated END AS stated, docs, link, names, service,
           json_merge_patch(key, '{"version": null}') AS unversioned
    FROM st
    WHERE family = 'value' AND vals <> prev_vals
),
-- A value that moves between a model's versioned row and its version-less row on one day (the
-- document dropped or added the version cell: `dall-e-2 | 2 |` -> `dall-e-2 | |`) is one
-- change of the row: none when the value is the same, else one `changed` (as the row now
-- reads). Such a removed and added pair (one to one) stands for it.
moved AS (
    SELECT r.observed_at, r.kind, r.attribute, r.subject AS removed_subject, a.subject AS added_subject,
           r.old AS old_value, a.new AS new_value
    FROM v0 r
    JOIN v0 a ON a.observed_at = r.observed_at AND a.kind = r.kind AND a.attribute = r.attribute
             AND a.unversioned = r.unversioned AND (a.version IS NULL) <> (r.version IS NULL)
    WHERE r.change = 'removed' AND a.change = 'added'
    QUALIFY count(*) OVER (PARTITION BY r.observed_at, r.kind, r.attribute, r.subject) = 1
        AND count(*) OVER (PARTITION BY a.observed_at, a.kind, a.attribute, a.subject) = 1
),
v AS (
    SELECT * EXCLUDE (unversioned) FROM v0
    WHERE NOT EXISTS (SELECT 1 FROM moved m
                      WHERE m.observed_at = v0.observed_at AND m.kind = v0.kind AND m.attribute = v0.attribute
                        AND v0.subject IN (m.removed_subject, m.added_subject))
    UNION ALL
    SELECT v0.* EXCLUDE (unversioned) REPLACE ('changed' AS change, m.old_value AS old)
    FROM v0
    JOIN moved m ON m.observed_at = v0.observed_at AND m.kind = v0.kind AND m.attribute = v0.attribute
                AND v0.subject = m.added_subject
    WHERE m.old_value <> m.new_value
),
av AS (
    SELECT t AS observed_at, kind, model, deployment_type, tier, subscription, region, key AS place, attribute,
           CASE WHEN available THEN 'added' ELSE 'removed' END AS change,
           CASE WHEN available THEN versions ELSE prev_versions END AS versions, docs, link, names, service
    FROM st
    WHERE family = 'availability' AND available <> prev_available
      AND (deployment_type IS NOT NULL OR (available AND NOT prev_anywhere) OR (NOT available AND NOT anywhere))
),
vv AS (
    SELECT t AS observed_at, kind, model, deployment_type, tier, subscription, region, key AS place, attribute, versions,
           prev_versions, docs, link, names, service
    FROM st
    WHERE family = 'availability' AND available AND prev_available AND len(versions) > 0 AND len(prev_versions) > 0
      AND versions <> prev_versions
),
a AS (
    SELECT observed_at, kind, model, CAST(NULL AS VARCHAR) AS version, deployment_type, tier, subscription, region,
           place, attribute, change, versions, docs, link, names, service
    FROM av
    UNION ALL
    SELECT observed_at, kind, model, unnest(list_filter(versions, lambda x: NOT list_contains(prev_versions, x))),
           deployment_type, tier, subscription, region, place, attribute, 'added', versions, docs, link, names, service
    FROM vv
    UNION ALL
    SELECT observed_at, kind, model, unnest(list_filter(prev_versions, lambda x: NOT list_contains(versions, x))),
           deployment_type, tier, subscription, region, place, attribute, 'removed', versions, docs, link, names, service
    FROM vv
),
allc AS (
    SELECT observed_at, kind, model, version, deployment_type, tier, subscription, region, subject, attribute, change,
           old, new, qualifier, versions, conflict, stated, docs, link, names, service
    FROM v
    UNION ALL
    SELECT observed_at, kind, model, version, deployment_type, tier, subscription, region,
           json_merge_patch(place, json_object('version', version, 'deployment_type', deployment_type)) AS subject,
           attribute, change,
           CASE WHEN change = 'removed' THEN 'true' END, CASE WHEN change = 'added' THEN 'true' END, NULL,
           versions, FALSE, NULL, docs, link, names, service
    FROM a
)
SELECT c.observed_at, c.kind,
       CASE WHEN fact_model_kind(c.kind) THEN coalesce(ms.class, 'model') ELSE 'service' END AS class,
       c.service, c.model, c.version, c.deployment_type, c.tier, c.subscription, c.region, c.subject, c.attribute,
       c.change, c.old, c.new, c.qualifier, c.versions, c.conflict, c.stated, c.docs, c.link, c.names,
       model_change_text(c.kind, c.model, c.version, c.deployment_type, c.tier, c.subscription, c.region, c.subject,
                         c.attribute, c.change, c.old, c.new, c.qualifier, c.conflict, c.stated) AS description
FROM allc c
LEFT JOIN model_subjects ms ON ms.model = c.model;

-- The model-level state on d (NULL: the current state): one row per (kind, subject,
-- attribute, value) (two rows with conflict = true where documents disagree), and for
-- availability one row per (model, deployment type, region), version null, the versions
-- listed in `versions`. value is text (value_num the integer of an integer value); since:
-- the first date any document stating the row began to; last_seen: the last date a source
-- showed it; names: the model's names as the documents wrote them.
CREATE OR REPLACE MACRO model_facts_as_of(d) AS TABLE
WITH s AS (
    SELECT * FROM model_spans
    WHERE fact_held(valid_from, valid_to, CAST(d AS DATE))
),
av AS (
    SELECT kind, any_value(model) AS model, CAST(NULL AS VARCHAR) AS version,
           list_sort(list(DISTINCT version) FILTER (WHERE version IS NOT NULL)) AS versions,
           deployment_type, any_value(tier) AS tier, any_value(subscription) AS subscription, any_value(region) AS region,
           json_merge_patch(place, json_object('version', NULL, 'deployment_type', deployment_type)) AS subject,
           any_value(attribute) AS attribute, 'true' AS value, CAST(NULL AS BIGINT) AS value_num,
           CAST(NULL AS VARCHAR) AS qualifier, FALSE AS conflict,
           min(valid_from) AS since, max(last_seen) AS last_seen, list(DISTINCT doc ORDER BY doc) AS docs,
           arg_max(link, valid_from) AS link, list(DISTINCT written_model ORDER BY written_model) AS names,
           string_agg(DISTINCT service, ', ' ORDER BY service) AS service,
           bool_or(deployment_type IS NOT NULL) OVER (PARTITION BY kind, place) AS place_typed
    FROM s
    WHERE fact_boolean_kind(kind)
    GROUP BY kind, place, deployment_type
),
va AS (
    SELECT kind, any_value(model) AS model, any_value(version) AS version, CAST(NULL AS VARCHAR[]) AS versions,
           any_value(deployment_type) AS deployment_type, any_value(tier) AS tier, any_value(subscription) AS subscription,
           any_value(region) AS region, subject, attribute, value, any_value(value_num) AS value_num,
           arg_max(qualifier, valid_from) AS qualifier,
           count(*) OVER (PARTITION BY kind, subject, attribute) > 1 AS conflict,
           min(valid_from) AS since, max(last_seen) AS last_seen, list(DISTINCT doc ORDER BY doc) AS docs,
           arg_max(link, valid_from) AS link, list(DISTINCT written_model ORDER BY written_model) AS names,
           string_agg(DISTINCT service, ', ' ORDER BY service) AS service
    FROM s
    WHERE NOT fact_boolean_kind(kind)
    GROUP BY kind, subject, attribute, value
),
f AS (
    SELECT kind, model, version, versions, deployment_type, tier, subscription, region, subject, attribute, value,
           value_num, qualifier, conflict, since, last_seen, docs, link, names, service
    FROM av WHERE deployment_type IS NOT NULL OR NOT place_typed
    UNION ALL
    SELECT kind, model, version, versions, deployment_type, tier, subscription, region, subject, attribute, value,
           value_num, qualifier, conflict, since, last_seen, docs, link, names, service
    FROM va
)
SELECT f.kind, CASE WHEN fact_model_kind(f.kind) THEN coalesce(ms.class, 'model') ELSE 'service' END AS class,
       f.service, f.model, f.version, f.versions, f.deployment_type, f.tier, f.subscription, f.region, f.subject,
       f.attribute, f.value, f.value_num, f.qualifier, f.conflict, f.since, f.last_seen, f.docs, f.link, f.names
FROM f
LEFT JOIN model_subjects ms ON ms.model = f.model;

-- Whether a model-level name matches a name or glob as a user writes it: the canonical
-- name, or any alias of it.
CREATE OR REPLACE MACRO model_matches(model, pattern) AS
    pattern IS NULL OR model GLOB pattern
    OR model IN (SELECT a.model FROM model_aliases a WHERE a.alias GLOB pattern);

CREATE OR REPLACE MACRO model_short_docs(docs) AS
    array_to_string(list_transform(docs, lambda x: fact_short_doc(x)), ', ');

-- Subjects whose documents disagree now, with every value and its documents.
CREATE OR REPLACE VIEW model_conflicts WITH (DEFER_BINDING) AS
SELECT kind, class, model, version, deployment_type, tier, subscription, region, subject, attribute,
       list(value ORDER BY value) AS "values",
       string_agg(array_to_string(list_transform(docs, lambda x: fact_short_doc(x)), ', ') || ': ' || value, '; '
                  ORDER BY value) AS stated,
       max(since) AS since
FROM model_facts_as_of(NULL)
WHERE conflict
GROUP BY ALL;

-- Every source date per document area (the dates of the changes that showed any document
-- of the area, with or without facts).
CREATE OR REPLACE VIEW area_sources WITH (DEFER_BINDING) AS
SELECT DISTINCT model_doc_area(dc.doc) AS area, c.observed_at
FROM doc_changes dc
JOIN changes c USING (change_id);

-- Per document area: the service, the first and last source date, how many source dates,
-- and the gaps: spans of more than 31 days between two source dates of the area while the
-- store has sources of other areas in between (gap_days: the longest).
CREATE OR REPLACE VIEW area_coverage WITH (DEFER_BINDING) AS
WITH d AS (
    SELECT area, observed_at, lead(observed_at) OVER (PARTITION BY area ORDER BY observed_at) AS next_at
    FROM area_sources
),
g AS (
    SELECT d.area, d.observed_at, d.next_at
    FROM d
    WHERE d.next_at > d.observed_at + 31
      AND EXISTS (SELECT 1 FROM changes c WHERE c.observed_at > d.observed_at AND c.observed_at < d.next_at)
)
SELECT d.area, coalesce(s.service, d.area) AS service,
       min(d.observed_at) AS first_source, max(d.observed_at) AS last_source, count(*) AS source_dates,
       (SELECT list(CAST(g.observed_at + 1 AS VARCHAR) || '..' || CAST(g.next_at - 1 AS VARCHAR) ORDER BY g.observed_at)
        FROM g WHERE g.area = d.area) AS gaps,
       (SELECT max(date_diff('day', g.observed_at, g.next_at)) FROM g WHERE g.area = d.area) AS gap_days,
       (SELECT count(*) FROM events e WHERE model_doc_area(e.doc) = d.area) AS events
FROM d
LEFT JOIN document_services s ON s.area = d.area
GROUP BY d.area, s.service;
