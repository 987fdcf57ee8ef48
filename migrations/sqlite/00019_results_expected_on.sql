-- +goose Up
-- The date the lead expects to release a cycle's results, shown to its
-- EMs; NULL until the lead sets it. The lead may change it in any state
-- before release.
ALTER TABLE cycles ADD COLUMN results_expected_on TEXT;

-- +goose Down
ALTER TABLE cycles DROP COLUMN results_expected_on;
