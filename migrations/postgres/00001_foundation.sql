-- +goose Up
CREATE TABLE organizations (
    id          varchar(36) PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id             varchar(36) PRIMARY KEY,
    org_id         varchar(36) NOT NULL REFERENCES organizations(id),
    email          text        NOT NULL UNIQUE,
    name           text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('admin','director','em','peer')),
    function       text        NOT NULL CHECK (function IN ('product','design','operations','engineering','other')),
    manager_id     varchar(36) REFERENCES users(id),
    em_since       varchar(10),
    active         boolean     NOT NULL DEFAULT true,
    password_hash  text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX users_org_idx ON users (org_id, id);
CREATE INDEX users_manager_idx ON users (manager_id);

-- A session is one sign-in: the family of refresh tokens rotated from it.
CREATE TABLE sessions (
    id          varchar(36) PRIMARY KEY,
    user_id     varchar(36) NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash  varchar(64) PRIMARY KEY,
    session_id  varchar(36) NOT NULL REFERENCES sessions(id),
    created_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed logins only; read by account and by client address over a window.
CREATE TABLE login_failures (
    id          varchar(36) PRIMARY KEY,
    email       text        NOT NULL,
    client_ip   text        NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_ip_idx ON login_failures (client_ip, at);

CREATE TABLE frameworks (
    id          varchar(36) PRIMARY KEY,
    org_id      varchar(36) NOT NULL REFERENCES organizations(id),
    name        text        NOT NULL,
    version     integer     NOT NULL,
    based_on    varchar(36) REFERENCES frameworks(id),
    scale_min   integer     NOT NULL,
    scale_max   integer     NOT NULL,
    bar         integer     NOT NULL,
    labels      text        NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (org_id, name, version)
);

CREATE TABLE criteria (
    framework_id varchar(36) NOT NULL REFERENCES frameworks(id),
    position     integer     NOT NULL,
    key          text        NOT NULL,
    title        text        NOT NULL,
    description  text        NOT NULL,
    weight       double precision NOT NULL,
    PRIMARY KEY (framework_id, key)
);

-- Append-only. Each entry carries the hash of the previous entry of its
-- organisation (seq - 1), so a changed or removed entry breaks the chain.
CREATE TABLE audit_log (
    id           varchar(36) PRIMARY KEY,
    org_id       varchar(36) NOT NULL REFERENCES organizations(id),
    seq          bigint      NOT NULL,
    actor_id     varchar(36),
    action       text        NOT NULL,
    object_type  text        NOT NULL,
    object_id    text        NOT NULL,
    cycle_id     varchar(36),
    before_json  text,
    after_json   text,
    at           timestamptz NOT NULL,
    prev_hash    varchar(64) NOT NULL,
    hash         varchar(64) NOT NULL,
    UNIQUE (org_id, seq)
);
CREATE INDEX audit_log_cycle_idx ON audit_log (cycle_id, id);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE criteria;
DROP TABLE frameworks;
DROP TABLE login_failures;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organizations;
