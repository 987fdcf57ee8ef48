-- +goose Up
-- Pre-reads: before the meeting, each owner marks each participant's
-- director assessment agree, question or abstain, with an optional comment.
CREATE TABLE prereads (
    cycle_id    varchar(36) NOT NULL REFERENCES cycles(id),
    em_id       varchar(36) NOT NULL REFERENCES users(id),
    owner_id    varchar(36) NOT NULL REFERENCES users(id),
    stance      text        NOT NULL CHECK (stance IN ('agree','question','abstain')),
    comment     text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, em_id, owner_id)
);

-- +goose Down
DROP TABLE prereads;
