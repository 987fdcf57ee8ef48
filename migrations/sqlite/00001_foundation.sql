-- +goose Up
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organizations(id),
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin','director','em','peer')),
    function       TEXT NOT NULL CHECK (function IN ('product','design','operations','engineering','other')),
    manager_id     TEXT REFERENCES users(id),
    em_since       TEXT,
    active         BOOLEAN NOT NULL DEFAULT 1,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX users_org_idx ON users (org_id, id);
CREATE INDEX users_manager_idx ON users (manager_id);

-- A session is one sign-in: the family of refresh tokens rotated from it.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    created_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed logins only; read by account and by client address over a window.
CREATE TABLE login_failures (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, at);

CREATE TABLE frameworks (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id),
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    based_on    TEXT REFERENCES frameworks(id),
    scale_min   INTEGER NOT NULL,
    scale_max   INTEGER NOT NULL,
    bar         INTEGER NOT NULL,
    labels      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, name, version)
);

CREATE TABLE criteria (
    framework_id TEXT NOT NULL REFERENCES frameworks(id),
    position     INTEGER NOT NULL,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    weight       REAL NOT NULL,
    PRIMARY KEY (framework_id, key)
);

-- Append-only. Each entry carries the hash of the previous entry of its
-- organisation (seq - 1), so a changed or removed entry breaks the chain.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    seq          INTEGER NOT NULL,
    actor_id     TEXT,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    cycle_id     TEXT,
    before_json  TEXT,
    after_json   TEXT,
    at           TIMESTAMP NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (org_id, seq)
);
CREATE INDEX audit_log_cycle_idx ON audit_log (cycle_id, id);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE criteria;
DROP TABLE frameworks;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organizations;
