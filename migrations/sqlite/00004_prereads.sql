-- +goose Up
-- Pre-reads: before the meeting, each owner marks each participant's
-- director assessment agree, question or abstain, with an optional comment.
CREATE TABLE prereads (
    cycle_id    TEXT NOT NULL REFERENCES cycles(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    owner_id    TEXT NOT NULL REFERENCES users(id),
    stance      TEXT        NOT NULL CHECK (stance IN ('agree','question','abstain')),
    comment     TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id, owner_id)
);

-- +goose Down
DROP TABLE prereads;
