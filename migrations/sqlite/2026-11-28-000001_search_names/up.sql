-- PostgreSQL gets a trigram index for name search here; SQLite has none to offer for a
-- substring search, and scans the names (a shop on SQLite is a small one).
SELECT 1;
