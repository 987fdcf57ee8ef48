-- +goose Up
-- Per-user limits of the expensive routes, shared by every server on the
-- database: one row per (user, route) holding the route's theoretical
-- arrival time (GCRA), in microseconds since 1970, and whether the last call
-- was let through. One upsert per call reads and advances it. Rows are
-- bounded by users × limited routes, so nothing needs pruning.
CREATE TABLE rate_limits (
    user_id TEXT    NOT NULL,
    route   TEXT    NOT NULL,
    tat     INTEGER NOT NULL,
    allowed BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, route)
);

-- +goose Down
DROP TABLE rate_limits;
