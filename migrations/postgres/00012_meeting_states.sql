-- +goose Up
-- The calibration meeting's working record per participant: whether the
-- owners discussed them and a note they share. Versioned like assessments
-- so that two owners never silently overwrite each other. Never released
-- to the EM. Each write is also in the audit log (meeting.write), which is
-- the record of who changed what; this table holds only the current state.
CREATE TABLE meeting_states (
    cycle_id    varchar(36) NOT NULL REFERENCES cycles(id),
    em_id       varchar(36) NOT NULL REFERENCES users(id),
    discussed   boolean     NOT NULL,
    note        text        NOT NULL,
    version     integer     NOT NULL,
    updated_by  varchar(36) NOT NULL REFERENCES users(id),
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);

-- +goose Down
DROP TABLE meeting_states;
