-- +goose Up
-- An organisation's admin may turn password sign-in off once single
-- sign-on is set up; admins keep their password as the way back in.
ALTER TABLE organizations ADD COLUMN password_login BOOLEAN NOT NULL DEFAULT true;

-- Single sign-on attempts under way: what the callback needs to finish the
-- attempt it started (the nonce the ID token must carry, the PKCE
-- verifier) and what binds it to the browser that started it (the hash of
-- the value of its short-lived cookie). Keyed by the hash of the state, so
-- the table never holds a value the provider's redirect carries. A row
-- lives ten minutes and is deleted when the callback uses it, so a state
-- is good once. This table holds no organisation's data: the organisation
-- is unknown until the provider says who signed in.
CREATE TABLE oidc_logins (
    state_hash   TEXT   PRIMARY KEY,
    browser_hash TEXT   NOT NULL,
    nonce        TEXT  NOT NULL,
    verifier     TEXT  NOT NULL,
    created_at   TIMESTAMP  NOT NULL,
    expires_at   TIMESTAMP  NOT NULL
);
CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at);

-- +goose Down
DROP TABLE oidc_logins;
ALTER TABLE organizations DROP COLUMN password_login;
