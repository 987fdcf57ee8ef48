-- +goose Up
-- Development plan items: what an EM will work on, tied to a criterion.
CREATE TABLE plan_items (
    id          varchar(36) PRIMARY KEY,
    org_id      varchar(36) NOT NULL REFERENCES organizations(id),
    em_id       varchar(36) NOT NULL REFERENCES users(id),
    criterion   text        NOT NULL,
    action      text        NOT NULL,
    revisit_on  varchar(10),
    status      text        NOT NULL CHECK (status IN ('open','in_progress','done','dropped')),
    created_by  varchar(36) NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX plan_items_em_idx ON plan_items (em_id, id);

-- +goose Down
DROP TABLE plan_items;
