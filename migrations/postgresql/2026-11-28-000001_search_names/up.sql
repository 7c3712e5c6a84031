-- Name search (GET /?q=): a trigram index on lower(name) turns a scan of every product
-- into an index lookup (`lower(name) LIKE '%…%'`). pg_trgm ships with PostgreSQL and is
-- a trusted extension, so the database's owner may create it; where it is missing or not
-- allowed, search still works, scanning the names, and the log says so.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS products_name_trgm ON products USING gin (lower(name) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'no trigram index for product search (%): search scans the names', SQLERRM;
END
$$;
