-- +goose Up
-- The calibration meeting's working record per participant: whether the
-- owners discussed them and a note they share. Versioned like assessments
-- so that two owners never silently overwrite each other. Never released
-- to the EM. Each write is also in the audit log (meeting.write), which is
-- the record of who changed what; this table holds only the current state.
CREATE TABLE meeting_states (
    cycle_id    TEXT    NOT NULL REFERENCES cycles(id),
    em_id       TEXT    NOT NULL REFERENCES users(id),
    discussed   BOOLEAN NOT NULL,
    note        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);

-- +goose Down
DROP TABLE meeting_states;
