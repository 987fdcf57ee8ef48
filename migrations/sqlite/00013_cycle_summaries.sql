-- +goose Up
-- What later boards and histories read of a finished cycle, per
-- participant: the decision, how many criteria the director rated, how
-- many of them fell below the bar, and the sum of the director's scores.
-- A finalized cycle never changes, so these are facts written once, in
-- the finalizing transaction, instead of being re-derived from ratings on
-- every board. Cycles finalized before this table existed are summarised
-- by the store right after the migrations (Store.Migrate), with the very
-- statement that finalizing runs, so that the rule lives in one place.
CREATE TABLE cycle_summaries (
    cycle_id   TEXT        NOT NULL REFERENCES cycles(id),
    em_id      TEXT        NOT NULL REFERENCES users(id),
    org_id     TEXT        NOT NULL REFERENCES organizations(id),
    readiness  TEXT        CHECK (readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    rated      INTEGER     NOT NULL,
    below      INTEGER     NOT NULL,
    score_sum  INTEGER     NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
CREATE INDEX cycle_summaries_em_idx ON cycle_summaries (em_id);
CREATE INDEX cycle_summaries_org_idx ON cycle_summaries (org_id);

-- +goose Down
DROP TABLE cycle_summaries;
