-- extractor schema, version 2: time views over the fact events (no new tables).
-- repeatable: views and macros only (CREATE OR REPLACE); the store re-applies this file to
-- existing databases whenever its text changes (schema_scripts records its checksum).
-- generated: kind views -- the store runs extractor.kinds.views_sql() after this file (the
-- per-kind views and the label macros fact_attribute_label, fact_date_attribute); its text
-- is part of the checksum, so a change to the registry re-creates them.
--
-- What a user asks of the history ("what was o3's TPM on 1 May?", "which retirement dates
-- moved?") is answered from these views; they are plain views and table macros over
-- `events`, `changes`, `sources`, `event_sources` and `doc_changes`, recomputed at each
-- query, so re-ingesting never leaves them stale. Views are created WITH (DEFER_BINDING):
-- DuckDB binds a view when a query uses it, not when it is created, which keeps opening a
-- new database cheap (binding these nested views took about 0.1 s); the tests query each one.
--
-- Value spans, in the manner of dbt snapshots / dlt scd2
-- -------------------------------------------------------
-- A span is one value of one fact held over [valid_from, valid_to): `valid_to` is NULL while
-- the span is open (the value is still stated as far as the store knows).
--
-- * Key. A span's key is (kind, doc, subject_json, attribute): spans are kept PER DOCUMENT.
--   Several documents state some subjects (region availability in concepts/models.md and in
--   an include; a model's quota in quotas-limits.md and in model-matrix/quota.md), and they
--   are edited on different days. Keying by subject only would interleave two independent
--   statements and invent changes (models.md lags the include by a day: "removed" then
--   "added" again). So each document's statement has its own spans, and the current view
--   shows one row per document that states the fact; queries that want one answer per
--   subject pick or aggregate explicitly. A document renamed (doc_changes.old_doc) keeps
--   its spans: events are keyed by the path the document ends up with (`doc_lineage`).
-- * Order. Events are ordered by date, then, between changes observed the same day, by the
--   compare ranges' chain (a change whose base is another's head comes after it), then by
--   source file name and change id (`change_sequence`).
-- * State. After each event the fact holds `new` (added, changed, and observations, i.e.
--   `unchanged` context rows) or nothing (removed). A span is a maximal run of events with
--   the same non-null state: `removed` closes a span, a later `added` opens a new one (a
--   value removed then re-added is two spans with a gap). An observation never creates a
--   change: it opens a span only where nothing was known (an observation before the first
--   change gives the span its `valid_from`), and otherwise extends the open span
--   (`last_seen`). An observation that contradicts the open span (a change the store never
--   saw) closes it and opens a new span on that date, `opened_by = 'observed'`.
-- * Same day. Two changes on one day give a zero-length span [d, d) to the first value: it
--   is kept in the history (the value was stated) but no `as of` date returns it; the state
--   at the end of the day wins. The same change seen through several sources (three
--   languages of one report) is one event; `source_file` names the smallest file name and
--   `n_sources` counts them.
-- * One current row per key: a key's runs are consecutive, and only its last run can be
--   left open, so `*_current` has at most one row per (kind, doc, subject, attribute).
-- * `link` / `change_id` name the change that opened a span, `closed_link` /
--   `closed_change_id` (fact_history) the one that closed it.
-- * A `changed` or `removed` event with nothing known before it does not invent a span for
--   the old value (its start is unknown); the old value is kept as `previous_*` on the span
--   that the change opens, and in `fact_changes`.
--
-- Views: change_sequence, event_provenance, doc_lineage, fact_timeline, fact_history,
-- fact_current, fact_as_of(d); per kind <kind>_history, <kind>_current, <kind>_as_of(d) for
-- every kind of the registry (generated, see above); fact_changes (every change with a
-- one-line description; named so because the table `changes` holds compare ranges).

-- Changes in time order: date, then same-day compare-range chains, then file name, id.
CREATE OR REPLACE VIEW change_sequence WITH (DEFER_BINDING) AS
WITH RECURSIVE chain(change_id, depth) AS (
    SELECT c.change_id, 0
    FROM changes c
    WHERE NOT EXISTS (SELECT 1 FROM changes p
                      WHERE p.observed_at = c.observed_at AND p.head = c.base AND p.change_id <> c.change_id)
    UNION ALL
    SELECT c.change_id, ch.depth + 1
    FROM chain ch
    JOIN changes p ON p.change_id = ch.change_id
    JOIN changes c ON c.observed_at = p.observed_at AND c.base = p.head AND c.change_id <> p.change_id
    WHERE ch.depth < 64
),
depths AS (SELECT change_id, max(depth) AS depth FROM chain GROUP BY change_id),
firsts AS (SELECT change_id, min(path) AS first_path FROM sources GROUP BY change_id)
SELECT c.change_id, c.observed_at, coalesce(d.depth, 0) AS depth, f.first_path,
       row_number() OVER (ORDER BY c.observed_at, coalesce(d.depth, 0), f.first_path, c.change_id) AS seq
FROM changes c
LEFT JOIN depths d USING (change_id)
LEFT JOIN firsts f USING (change_id);

-- The source that showed an event: the smallest file name (as the export names), its line,
-- and how many sources showed it.
CREATE OR REPLACE VIEW event_provenance WITH (DEFER_BINDING) AS
SELECT es.event_id,
       arg_min(s.path, s.path || lpad(CAST(coalesce(es.line, 0) AS VARCHAR), 9, '0')) AS source_path,
       arg_min(es.line, s.path || lpad(CAST(coalesce(es.line, 0) AS VARCHAR), 9, '0')) AS source_line,
       count(*) AS n_sources
FROM event_sources es
JOIN sources s USING (source_id)
GROUP BY es.event_id;

-- Renamed documents: each (old path, rename date) with the path the document ends up with.
CREATE OR REPLACE VIEW doc_lineage WITH (DEFER_BINDING) AS
WITH RECURSIVE renames AS (
    SELECT dc.old_doc AS from_doc, dc.doc AS to_doc, c.observed_at AS renamed_at
    FROM doc_changes dc
    JOIN changes c USING (change_id)
    WHERE dc.old_doc IS NOT NULL AND dc.old_doc <> dc.doc
),
walk(from_doc, renamed_at, to_doc, depth) AS (
    SELECT from_doc, renamed_at, to_doc, 1 FROM renames
    UNION ALL
    SELECT w.from_doc, w.renamed_at, r.to_doc, w.depth + 1
    FROM walk w
    JOIN renames r ON r.from_doc = w.to_doc AND r.renamed_at >= w.renamed_at
    WHERE w.depth < 16
)
SELECT from_doc, renamed_at, arg_max(to_doc, depth) AS final_doc
FROM walk
GROUP BY from_doc, renamed_at;

-- Display helpers.
CREATE OR REPLACE MACRO fact_value_text(j) AS
    CASE WHEN j IS NULL THEN NULL
         WHEN try_cast(j AS BIGINT) IS NOT NULL THEN format('{:,}', try_cast(j AS BIGINT))
         ELSE json_extract_string(j, '$') END;

-- A subject for people: "o3 2025-04-16 (global standard, default)"; a kind whose subject has
-- no model is named by its subject's values ("gear"). Boolean kinds (fact_boolean_kind) say
-- their region in the description instead.
CREATE OR REPLACE MACRO fact_subject_label(kind, model, version, deployment_type, tier, subscription, region,
                                           subject_json) AS
    CASE WHEN model IS NULL
         THEN array_to_string(list_filter(CAST(json_extract_string(subject_json, '$.*') AS VARCHAR[]),
                                          lambda x: x IS NOT NULL), ', ')
         ELSE model || coalesce(' ' || version, '')
              || coalesce(' (' || nullif(concat_ws(', ', deployment_type, tier, subscription,
                                                   CASE WHEN fact_boolean_kind(kind) THEN NULL ELSE region END), '')
                          || ')', '') END;

-- A span held on date d; with d NULL, the span still open (the latest known value).
CREATE OR REPLACE MACRO fact_held(valid_from, valid_to, d) AS
    CASE WHEN d IS NULL THEN valid_to IS NULL
         ELSE valid_from <= d AND (valid_to IS NULL OR valid_to > d) END;

CREATE OR REPLACE MACRO fact_short_doc(doc) AS
    regexp_replace(doc, '^articles/(ai-services/)?', '');

CREATE OR REPLACE MACRO fact_compare_link(repo, base, head) AS
    CASE WHEN repo IS NOT NULL AND base IS NOT NULL AND head IS NOT NULL
         THEN 'https://github.com/' || repo || '/compare/' || base || '...' || head END;

-- Every event with its place in time, the document key of its span, the state it leaves
-- the fact in, and its provenance.
CREATE OR REPLACE VIEW fact_timeline WITH (DEFER_BINDING) AS
SELECT e.event_id, e.kind, e.doc, coalesce(l.final_doc, e.doc) AS key_doc,
       e.model, e.version, e.deployment_type, e.tier, e.subscription, e.region, e.subject_json,
       e.attribute, e.change, e.observed_at, cs.seq,
       e.old_json, e.new_json, e.old_num, e.new_num, e.old_raw, e.new_raw, e.qualifier,
       CASE WHEN e.change IN ('removed', 'moved') THEN NULL ELSE e.new_json END AS state_json,
       e.change_id, regexp_extract(p.source_path, '[^/\\]+$') AS source_file, p.source_line,
       coalesce(p.n_sources, 0) AS n_sources, c.repo, c.base, c.head,
       fact_compare_link(c.repo, c.base, c.head) AS link
FROM events e
JOIN change_sequence cs USING (change_id)
LEFT JOIN changes c USING (change_id)
LEFT JOIN event_provenance p USING (event_id)
ASOF LEFT JOIN doc_lineage l ON e.doc = l.from_doc AND e.observed_at <= l.renamed_at;

-- The timeline with the spans that sources' before sides imply (FACTS.md, settled cases).
-- A `changed` or `removed` event whose old value is not the value the history holds shows a
-- change no ingested source showed: the held value was last seen on the previous event's
-- date, and the old value held from the base of the event's compare range (the observed
-- date of the change whose head is that base, when one is known; else the day after the
-- last sighting) until the event. Two rows are added before such an event: a `gap` row the
-- day after the last sighting (state unknown; only when the base is known to be later) and an
-- `inferred` row opening the old value's span. `pos` orders rows (events at their `seq`).
CREATE OR REPLACE VIEW fact_states WITH (DEFER_BINDING) AS
WITH t AS (
    SELECT *, CAST(seq AS DOUBLE) AS pos,
           lag(state_json) OVER w AS prev_state,
           lag(observed_at) OVER w AS prev_seen,
           row_number() OVER w > 1 AS has_prev
    FROM fact_timeline
    WINDOW w AS (PARTITION BY kind, key_doc, subject_json, attribute ORDER BY seq)
),
contradicted AS (
    SELECT t.*,
           (SELECT min(b.observed_at) FROM changes b
            WHERE b.head = t.base AND coalesce(b.repo, '') = coalesce(t.repo, '')) AS base_seen
    FROM t
    WHERE t.change IN ('changed', 'removed') AND t.prev_state IS NOT NULL
      AND t.old_json IS DISTINCT FROM t.prev_state
),
starts AS (
    SELECT *, least(observed_at, CASE WHEN base_seen > prev_seen THEN base_seen
                                      ELSE CAST(prev_seen + 1 AS DATE) END) AS inferred_from
    FROM contradicted
)
SELECT event_id, kind, doc, key_doc, model, version, deployment_type, tier, subscription, region, subject_json, attribute, change, observed_at, seq, pos, old_json, new_json, old_num, new_num, old_raw, new_raw AS new_raw, qualifier AS qualifier, state_json AS state_json, change_id, source_file, source_line, n_sources, repo, base, head, link, FALSE AS inferred FROM t
UNION ALL
SELECT event_id || '~gap' AS event_id, kind, doc, key_doc, model, version, deployment_type, tier, subscription,
       region, subject_json, attribute, 'gap' AS change, CAST(prev_seen + 1 AS DATE) AS observed_at, seq,
       pos - 0.5 AS pos, old_json, new_json, old_num, new_num, old_raw, NULL AS new_raw, NULL AS qualifier, NULL AS state_json, change_id, source_file, source_line, n_sources, repo, base, head, link, FALSE AS inferred
FROM starts WHERE inferred_from > CAST(prev_seen + 1 AS DATE)
UNION ALL
SELECT event_id || '~inferred' AS event_id, kind, doc, key_doc, model, version, deployment_type, tier,
       subscription, region, subject_json, attribute, 'inferred' AS change, inferred_from AS observed_at, seq,
       pos - 0.25 AS pos, old_json, new_json, old_num, new_num, old_raw, old_raw AS new_raw, NULL AS qualifier, old_json AS state_json, change_id, source_file, source_line, n_sources, repo, base, head, link, TRUE AS inferred
FROM starts;

-- One row per value span of every fact (see the header).
CREATE OR REPLACE VIEW fact_history WITH (DEFER_BINDING) AS
WITH marked AS (
    SELECT *,
           CASE WHEN row_number() OVER w = 1 THEN 1
                WHEN state_json IS DISTINCT FROM lag(state_json) OVER w THEN 1
                ELSE 0 END AS brk
    FROM fact_states
    WINDOW w AS (PARTITION BY kind, key_doc, subject_json, attribute ORDER BY pos)
),
runs AS (
    SELECT *, sum(brk) OVER (PARTITION BY kind, key_doc, subject_json, attribute ORDER BY pos
                             ROWS UNBOUNDED PRECEDING) AS run
    FROM marked
),
spans AS (
    SELECT kind, key_doc, subject_json, attribute, run,
           arg_min(state_json, pos) AS value_json,
           min(observed_at) AS valid_from,
           max(observed_at) AS last_seen,
           arg_min(event_id, pos) AS opening_event,
           arg_min(change, pos) AS opening_change,
           arg_max(new_raw, pos) AS value_raw,
           arg_max(qualifier, pos) AS qualifier,
           count(*) AS n_events
    FROM runs
    GROUP BY kind, key_doc, subject_json, attribute, run
),
closed AS (
    SELECT *,
           lead(valid_from) OVER k AS valid_to,
           lead(opening_change) OVER k AS closing_change,
           lead(opening_event) OVER k AS closing_event
    FROM spans
    WINDOW k AS (PARTITION BY kind, key_doc, subject_json, attribute ORDER BY run)
)
SELECT s.kind, s.key_doc AS doc, t.model, t.version, t.deployment_type, t.tier, t.subscription, t.region,
       s.subject_json, s.attribute,
       s.value_json, try_cast(s.value_json AS BIGINT) AS value_num, json_extract_string(s.value_json, '$') AS value_text,
       s.value_raw, s.qualifier,
       s.valid_from, s.valid_to, s.valid_to IS NULL AS is_current, s.last_seen, t.inferred,
       CASE s.opening_change WHEN 'unchanged' THEN 'observed' ELSE s.opening_change END AS opened_by,
       CASE s.closing_change WHEN 'unchanged' THEN 'observed' ELSE s.closing_change END AS closed_by,
       CASE WHEN t.change = 'changed' THEN t.old_json END AS previous_json,
       s.n_events, t.change_id, t.source_file, t.source_line, t.n_sources, t.repo, t.base, t.head, t.link,
       x.change_id AS closed_change_id, x.link AS closed_link
FROM closed s
JOIN fact_states t ON t.event_id = s.opening_event
LEFT JOIN fact_states x ON x.event_id = s.closing_event
WHERE s.value_json IS NOT NULL;

CREATE OR REPLACE VIEW fact_current WITH (DEFER_BINDING) AS
SELECT * FROM fact_history WHERE valid_to IS NULL;

CREATE OR REPLACE MACRO fact_as_of(d) AS TABLE
SELECT * FROM fact_history
WHERE valid_from <= CAST(d AS DATE) AND (valid_to IS NULL OR valid_to > CAST(d AS DATE));

-- Facts moved between documents (one row per change, from doc and to doc): no events.
CREATE OR REPLACE VIEW fact_moves WITH (DEFER_BINDING) AS
SELECT e.observed_at, e.change_id, e.doc AS from_doc, e.moved_to AS to_doc, count(*) AS facts,
       list(DISTINCT e.kind ORDER BY e.kind) AS kinds,
       any_value(fact_compare_link(c.repo, c.base, c.head)) AS link
FROM events e
LEFT JOIN changes c USING (change_id)
WHERE e.change = 'moved'
GROUP BY e.observed_at, e.change_id, e.doc, e.moved_to;

-- Every change (observations left out) over all kinds, with a one-line description.
CREATE OR REPLACE VIEW fact_changes WITH (DEFER_BINDING) AS
WITH t AS (
    SELECT *,
           fact_subject_label(kind, model, version, deployment_type, tier, subscription, region, subject_json)
               AS subject_label,
           fact_attribute_label(attribute) AS attribute_label,
           fact_value_text(old_json) AS old_value,
           fact_value_text(new_json) AS new_value,
           CASE WHEN qualifier IS NOT NULL THEN replace(qualifier, '-', ' ') || ' ' END AS q
    FROM fact_timeline
    WHERE change NOT IN ('unchanged', 'moved')
)
SELECT observed_at, kind, doc, model, version, deployment_type, tier, subscription, region, attribute, change,
       old_value, new_value, qualifier,
       CASE
           WHEN fact_boolean_kind(kind) AND change = 'added'
               THEN subject_label || ': now ' || attribute_label || coalesce(' in ' || region, '')
           WHEN fact_boolean_kind(kind) AND change = 'removed'
               THEN subject_label || ': no longer listed' || coalesce(' in ' || region, '')
           WHEN change = 'added'
               THEN subject_label || ' ' || attribute_label || ': ' || coalesce(q, '') || new_value || ' (new)'
           WHEN change = 'removed'
               THEN subject_label || ' ' || attribute_label || ': ' || coalesce(q, '') || old_value || ' removed'
           WHEN fact_date_attribute(attribute)
                AND try_cast(old_value AS DATE) IS NOT NULL AND try_cast(new_value AS DATE) IS NOT NULL
               THEN subject_label || ' ' || attribute_label || ' moved ' || old_value || ' → ' || coalesce(q, '')
                    || new_value || ' (' || printf('%+d', date_diff('day', try_cast(old_value AS DATE),
                                                                     try_cast(new_value AS DATE))) || ' days)'
           ELSE subject_label || ' ' || attribute_label || ': ' || old_value || ' → ' || coalesce(q, '') || new_value
       END AS description,
       change_id, source_file, source_line, n_sources, repo, base, head, link, seq, event_id
FROM t;
