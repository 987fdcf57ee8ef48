-- +goose Up
-- Every table holding an organisation's data carries org_id, filled from
-- the parent row it belonged to: the distribution key a distributed
-- PostgreSQL needs in every row, and the column every store query on the
-- table filters by, so tenant isolation is checked in one place
-- (internal/store/tenancy.go). The column is added empty, filled from the
-- parent, then made NOT NULL.
ALTER TABLE criteria ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE criteria SET org_id = f.org_id FROM frameworks f WHERE f.id = criteria.framework_id;
ALTER TABLE criteria ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX criteria_org_idx ON criteria (org_id, framework_id);

ALTER TABLE cycle_owners ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE cycle_owners SET org_id = c.org_id FROM cycles c WHERE c.id = cycle_owners.cycle_id;
ALTER TABLE cycle_owners ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX cycle_owners_org_idx ON cycle_owners (org_id, user_id);

ALTER TABLE cycle_participants ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE cycle_participants SET org_id = c.org_id FROM cycles c WHERE c.id = cycle_participants.cycle_id;
ALTER TABLE cycle_participants ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX cycle_participants_org_idx ON cycle_participants (org_id, em_id);

ALTER TABLE assessments ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE assessments SET org_id = c.org_id FROM cycles c WHERE c.id = assessments.cycle_id;
ALTER TABLE assessments ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX assessments_org_idx ON assessments (org_id, cycle_id);

ALTER TABLE ratings ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE ratings SET org_id = a.org_id FROM assessments a WHERE a.id = ratings.assessment_id;
ALTER TABLE ratings ALTER COLUMN org_id SET NOT NULL;

ALTER TABLE decisions ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE decisions SET org_id = c.org_id FROM cycles c WHERE c.id = decisions.cycle_id;
ALTER TABLE decisions ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX decisions_org_idx ON decisions (org_id, cycle_id);

ALTER TABLE peer_requests ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE peer_requests SET org_id = c.org_id FROM cycles c WHERE c.id = peer_requests.cycle_id;
ALTER TABLE peer_requests ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX peer_requests_org_idx ON peer_requests (org_id, id);

ALTER TABLE peer_notes ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE peer_notes SET org_id = c.org_id FROM cycles c WHERE c.id = peer_notes.cycle_id;
ALTER TABLE peer_notes ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX peer_notes_org_idx ON peer_notes (org_id, cycle_id);

ALTER TABLE prereads ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE prereads SET org_id = c.org_id FROM cycles c WHERE c.id = prereads.cycle_id;
ALTER TABLE prereads ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX prereads_org_idx ON prereads (org_id, cycle_id);

ALTER TABLE meeting_states ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE meeting_states SET org_id = c.org_id FROM cycles c WHERE c.id = meeting_states.cycle_id;
ALTER TABLE meeting_states ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX meeting_states_org_idx ON meeting_states (org_id, cycle_id);

ALTER TABLE sessions ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE sessions SET org_id = u.org_id FROM users u WHERE u.id = sessions.user_id;
ALTER TABLE sessions ALTER COLUMN org_id SET NOT NULL;
CREATE INDEX sessions_org_idx ON sessions (org_id, user_id);

ALTER TABLE refresh_tokens ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE refresh_tokens SET org_id = s.org_id FROM sessions s WHERE s.id = refresh_tokens.session_id;
ALTER TABLE refresh_tokens ALTER COLUMN org_id SET NOT NULL;

-- The stored answers are the organisation's objects. A key whose user is
-- gone (none should be) is only a cached answer: it is dropped.
ALTER TABLE idempotency_keys ADD COLUMN org_id varchar(36) REFERENCES organizations(id);
UPDATE idempotency_keys SET org_id = u.org_id FROM users u WHERE u.id = idempotency_keys.user_id;
DELETE FROM idempotency_keys WHERE org_id IS NULL;
ALTER TABLE idempotency_keys ALTER COLUMN org_id SET NOT NULL;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN org_id;
ALTER TABLE refresh_tokens DROP COLUMN org_id;
ALTER TABLE sessions DROP COLUMN org_id;
ALTER TABLE meeting_states DROP COLUMN org_id;
ALTER TABLE prereads DROP COLUMN org_id;
ALTER TABLE peer_notes DROP COLUMN org_id;
ALTER TABLE peer_requests DROP COLUMN org_id;
ALTER TABLE decisions DROP COLUMN org_id;
ALTER TABLE ratings DROP COLUMN org_id;
ALTER TABLE assessments DROP COLUMN org_id;
ALTER TABLE cycle_participants DROP COLUMN org_id;
ALTER TABLE cycle_owners DROP COLUMN org_id;
ALTER TABLE criteria DROP COLUMN org_id;
