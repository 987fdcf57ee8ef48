-- +goose Up
-- Each audit entry about one EM names them (the EM rated, decided, written
-- about, discussed), so the cycle's record and its event stream can be read
-- per EM. Entries written before this version have none. The chain link of
-- an entry covers em_id whenever it is set, so it cannot be added, removed
-- or changed afterwards without breaking the chain. The cycle's events are
-- its entries in order of seq.
ALTER TABLE audit_log ADD COLUMN em_id TEXT;
CREATE INDEX audit_log_cycle_seq_idx ON audit_log (cycle_id, seq);

-- +goose Down
DROP INDEX audit_log_cycle_seq_idx;
ALTER TABLE audit_log DROP COLUMN em_id;
