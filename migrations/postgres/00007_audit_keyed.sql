-- +goose Up
-- From this version on, the audit chain's links are HMAC-SHA-256 under a key
-- that lives outside the database (CALIBRATE_AUDIT_KEY). The organisations
-- listed here still have plain SHA-256 links: the first start (or
-- `calibrate migrate`) with the key verifies each such chain, re-keys every
-- link, appends an entry saying so and removes the organisation from the
-- list, all in one transaction. A chain that is already broken is not
-- re-keyed; the start is refused, naming the first bad entry.
CREATE TABLE audit_rekey_pending (
    org_id varchar(36) PRIMARY KEY REFERENCES organizations(id)
);
INSERT INTO audit_rekey_pending (org_id) SELECT DISTINCT org_id FROM audit_log;

-- +goose Down
DROP TABLE audit_rekey_pending;
