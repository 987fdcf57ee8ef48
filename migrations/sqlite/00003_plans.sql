-- +goose Up
-- Development plan items: what an EM will work on, tied to a criterion.
CREATE TABLE plan_items (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    criterion   TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    revisit_on  TEXT,
    status      TEXT        NOT NULL CHECK (status IN ('open','in_progress','done','dropped')),
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX plan_items_em_idx ON plan_items (em_id, id);

-- +goose Down
DROP TABLE plan_items;
