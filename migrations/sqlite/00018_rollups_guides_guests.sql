-- +goose Up
-- Distribution guides: a cycle or roll-up may carry, for some readiness
-- values, a minimum and maximum share of its EMs, as JSON
-- ({"ready_now": {"min": 10, "max": 25}}). Finalizing outside the guide
-- needs a reason, kept in override_reason.
ALTER TABLE cycles ADD COLUMN distribution_guide TEXT;
ALTER TABLE cycles ADD COLUMN override_reason TEXT;

-- A roll-up: a director above the owners of several finalized cycles
-- makes their outcomes comparable, and may change decisions with a reason.
CREATE TABLE rollups (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organizations(id),
    name               TEXT        NOT NULL,
    lead_id            TEXT NOT NULL REFERENCES users(id),
    state              TEXT        NOT NULL CHECK (state IN ('open','finalized')),
    distribution_guide TEXT,
    override_reason    TEXT,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    finalized_at       TIMESTAMP
);
CREATE INDEX rollups_org_idx ON rollups (org_id, id);

-- The source cycles of a roll-up; open is true until the roll-up is
-- finalized, and a cycle is a source of at most one open roll-up.
CREATE TABLE rollup_sources (
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    rollup_id  TEXT NOT NULL REFERENCES rollups(id),
    cycle_id   TEXT NOT NULL REFERENCES cycles(id),
    open       BOOLEAN     NOT NULL,
    PRIMARY KEY (rollup_id, cycle_id)
);
CREATE UNIQUE INDEX rollup_sources_one_open ON rollup_sources (cycle_id) WHERE open;
CREATE INDEX rollup_sources_cycle_idx ON rollup_sources (org_id, cycle_id);

-- The roll-up's decisions: director_readiness is the source cycle's
-- decision the roll-up started from, readiness the roll-up's.
CREATE TABLE rollup_decisions (
    org_id              TEXT NOT NULL REFERENCES organizations(id),
    rollup_id           TEXT NOT NULL REFERENCES rollups(id),
    em_id               TEXT NOT NULL REFERENCES users(id),
    cycle_id            TEXT NOT NULL REFERENCES cycles(id),
    director_readiness  TEXT        NOT NULL CHECK (director_readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    readiness           TEXT        NOT NULL CHECK (readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    reason              TEXT,
    decided_by          TEXT NOT NULL REFERENCES users(id),
    version             INTEGER     NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (rollup_id, em_id)
);
CREATE INDEX rollup_decisions_cycle_idx ON rollup_decisions (org_id, cycle_id);

-- Calibration guests: read-only access to a cycle's or roll-up's board,
-- 9-box, agenda and activity until the end of the day `until` (or the
-- subject's finalization, whichever is first).
CREATE TABLE guests (
    org_id        TEXT NOT NULL REFERENCES organizations(id),
    subject_type  TEXT        NOT NULL CHECK (subject_type IN ('cycle','rollup')),
    subject_id    TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    until         TEXT NOT NULL,
    added_by      TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (subject_type, subject_id, user_id)
);
CREATE INDEX guests_user_idx ON guests (org_id, user_id);

-- +goose Down
DROP TABLE guests;
DROP TABLE rollup_decisions;
DROP TABLE rollup_sources;
DROP TABLE rollups;
ALTER TABLE cycles DROP COLUMN override_reason;
ALTER TABLE cycles DROP COLUMN distribution_guide;
