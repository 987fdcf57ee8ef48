-- +goose Up
-- The bearer tokens an identity provider (Okta, Entra ID) presents on the
-- SCIM routes, one organisation each. Only the SHA-256 of a token is kept:
-- the token itself is shown once, when it is made. A revoked token stays,
-- so the audit entries that name it keep their meaning.
CREATE TABLE scim_tokens (
    id           TEXT        NOT NULL PRIMARY KEY,
    org_id       TEXT        NOT NULL REFERENCES organizations(id),
    name         TEXT        NOT NULL,
    token_hash   TEXT        NOT NULL UNIQUE,
    created_by   TEXT        REFERENCES users(id),
    created_at   TIMESTAMP   NOT NULL,
    last_used_at TIMESTAMP  ,
    revoked_at   TIMESTAMP  
);
CREATE INDEX scim_tokens_org_idx ON scim_tokens (org_id);

-- +goose Down
DROP TABLE scim_tokens;
