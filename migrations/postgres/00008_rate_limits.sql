-- +goose Up
-- Per-user limits of the expensive routes, shared by every replica: one row
-- per (user, route) holding the route's theoretical arrival time (GCRA), in
-- microseconds since 1970, and whether the last call was let through. One
-- upsert per call reads and advances it. The table is UNLOGGED: a counter
-- needs no WAL, so a limited read does not wait for a WAL flush at commit,
-- and losing the counters in a crash only forgives a few seconds of calls.
-- Rows are bounded by users × limited routes, so nothing needs pruning.
CREATE UNLOGGED TABLE rate_limits (
    user_id varchar(36) NOT NULL,
    route   text        NOT NULL,
    tat     bigint      NOT NULL,
    allowed boolean     NOT NULL,
    PRIMARY KEY (user_id, route)
);

-- +goose Down
DROP TABLE rate_limits;
