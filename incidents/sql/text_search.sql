-- The indexed, accent- and case-insensitive text search (`q=`): three functions and the
-- trigram index that serves them.
--
--   incidents_unaccent_lower(text)   lower(unaccent(text)). unaccent() is only STABLE (its
--                                    dictionary could change), so it is wrapped in an IMMUTABLE
--                                    function naming the dictionary with its schema, the usual
--                                    way to index it.
--   incidents_search_text(title, description, location_name)
--                                    the three fields joined by spaces, normalised as above.
--   incidents_search_pattern(query)  '%' || the normalised query with LIKE's wildcards
--                                    escaped || '%'.
--   index incidents_incident_search_trgm
--                                    GIN (pg_trgm) on incidents_search_text(...) of every
--                                    incident.
--
-- A search is `incidents_search_text(title, description, location_name) LIKE
-- incidents_search_pattern(q)`, written by incidents.selectors.TextSearch; it must stay the
-- index expression word for word for the index to serve it (docs/operations.md has the
-- figures). incidents.api.params refuses a `q` without a run of 3 letters or digits (MIN_SEARCH_RUN),
-- which the index could not narrow.
-- Re-run `REINDEX INDEX incidents_incident_search_trgm` if the unaccent rules file is ever
-- edited.
--
-- The functions name each other and unaccent with their schemas (found at load time): an index
-- expression is re-evaluated by pg_restore with an empty search_path. Needs the unaccent and
-- pg_trgm extensions (0010 creates unaccent; pg_trgm comes with regions/0002_place).
--
-- History: created by incidents/0010_text_search_and_published_version; unchanged since.
-- Loaded by: 0010_text_search_and_published_version

DO $$
DECLARE
    ext text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                  WHERE e.extname = 'unaccent');
    here text := current_schema();
BEGIN
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.incidents_unaccent_lower(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $body$ SELECT lower(%2$I.unaccent(%3$L::regdictionary, $1)) $body$
    $f$, here, ext, ext || '.unaccent');
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.incidents_search_text(title text, description text, location_name text)
        RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $body$ SELECT %1$I.incidents_unaccent_lower(
               coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(location_name, '')) $body$
    $f$, here);
    -- format() doubles %.
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION %1$I.incidents_search_pattern(query text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $body$ SELECT '%%' || replace(replace(replace(%1$I.incidents_unaccent_lower(query),
                  '\', '\\'), '%%', '\%%'), '_', '\_') || '%%' $body$
    $f$, here);
END
$$;

CREATE INDEX IF NOT EXISTS incidents_incident_search_trgm ON incidents_incident
 USING gin (incidents_search_text(title, description, location_name) gin_trgm_ops);
