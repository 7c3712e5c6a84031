-- One row, changed by each health check: a write that fails when the database cannot be
-- written, which a SELECT would not notice. (It counts the checks so that every one
-- really changes the row: SQLite commits an update that changes nothing without writing.)
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    probes BIGINT NOT NULL
);
