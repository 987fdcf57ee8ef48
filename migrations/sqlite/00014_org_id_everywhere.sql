-- +goose NO TRANSACTION
-- +goose Up
-- Every table holding an organisation's data carries org_id, filled from
-- the parent row it belonged to: the distribution key a distributed
-- PostgreSQL needs in every row, and the column every store query on the
-- table filters by, so tenant isolation is checked in one place
-- (internal/store/tenancy.go).
--
-- SQLite cannot add a NOT NULL column without a default, so each table is
-- rebuilt: created anew with org_id, filled from the old one and its
-- parent, the old one dropped, the new one renamed, its indexes made
-- again (none of these tables has triggers). Foreign keys are off while
-- tables are swapped (children keep naming the parent, which is replaced
-- under the same name), which SQLite allows only outside a transaction:
-- hence NO TRANSACTION here and an explicit one around the rebuild, so a
-- failure leaves the database as it was. The store holds one SQLite
-- connection, so the pragmas and the transaction share it. A key whose user is gone (none
-- should be) is only a cached answer and is not copied.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE criteria_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    framework_id TEXT NOT NULL REFERENCES frameworks(id),
    position     INTEGER NOT NULL,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    weight       REAL NOT NULL,
    PRIMARY KEY (framework_id, key)
);
INSERT INTO criteria_rebuilt (org_id, framework_id, position, key, title, description, weight)
SELECT (SELECT f.org_id FROM frameworks f WHERE f.id = t.framework_id), framework_id, position, key, title, description, weight FROM criteria t;
DROP TABLE criteria;
ALTER TABLE criteria_rebuilt RENAME TO criteria;
CREATE INDEX criteria_org_idx ON criteria (org_id, framework_id);

CREATE TABLE cycle_owners_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    cycle_id  TEXT NOT NULL REFERENCES cycles(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    is_lead   BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, user_id)
);
INSERT INTO cycle_owners_rebuilt (org_id, cycle_id, user_id, is_lead)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), cycle_id, user_id, is_lead FROM cycle_owners t;
DROP TABLE cycle_owners;
ALTER TABLE cycle_owners_rebuilt RENAME TO cycle_owners;
CREATE INDEX cycle_owners_user_idx ON cycle_owners (user_id);
CREATE INDEX cycle_owners_org_idx ON cycle_owners (org_id, user_id);

CREATE TABLE cycle_participants_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    cycle_id     TEXT NOT NULL REFERENCES cycles(id),
    em_id        TEXT NOT NULL REFERENCES users(id),
    director_id  TEXT NOT NULL REFERENCES users(id),
    open         BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
INSERT INTO cycle_participants_rebuilt (org_id, cycle_id, em_id, director_id, open)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), cycle_id, em_id, director_id, open FROM cycle_participants t;
DROP TABLE cycle_participants;
ALTER TABLE cycle_participants_rebuilt RENAME TO cycle_participants;
CREATE UNIQUE INDEX cycle_participants_one_open ON cycle_participants (em_id) WHERE open = 1;
CREATE INDEX cycle_participants_em_idx ON cycle_participants (em_id);
CREATE INDEX cycle_participants_org_idx ON cycle_participants (org_id, em_id);

CREATE TABLE assessments_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    id            TEXT PRIMARY KEY,
    cycle_id      TEXT NOT NULL REFERENCES cycles(id),
    em_id         TEXT NOT NULL REFERENCES users(id),
    kind          TEXT        NOT NULL CHECK (kind IN ('director','self')),
    author_id     TEXT NOT NULL REFERENCES users(id),
    private_note  text,
    version       INTEGER     NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id, kind)
);
INSERT INTO assessments_rebuilt (org_id, id, cycle_id, em_id, kind, author_id, private_note, version, created_at, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), id, cycle_id, em_id, kind, author_id, private_note, version, created_at, updated_at FROM assessments t;
DROP TABLE assessments;
ALTER TABLE assessments_rebuilt RENAME TO assessments;
CREATE INDEX assessments_org_idx ON assessments (org_id, cycle_id);

CREATE TABLE ratings_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    assessment_id  TEXT NOT NULL REFERENCES assessments(id),
    criterion      TEXT        NOT NULL,
    score          INTEGER     NOT NULL,
    evidence       TEXT        NOT NULL,
    PRIMARY KEY (assessment_id, criterion)
);
INSERT INTO ratings_rebuilt (org_id, assessment_id, criterion, score, evidence)
SELECT (SELECT c.org_id FROM assessments a JOIN cycles c ON c.id = a.cycle_id WHERE a.id = t.assessment_id), assessment_id, criterion, score, evidence FROM ratings t;
DROP TABLE ratings;
ALTER TABLE ratings_rebuilt RENAME TO ratings;

CREATE TABLE decisions_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    id           TEXT PRIMARY KEY,
    cycle_id     TEXT NOT NULL REFERENCES cycles(id),
    em_id        TEXT NOT NULL REFERENCES users(id),
    director_id  TEXT NOT NULL REFERENCES users(id),
    readiness    TEXT        NOT NULL CHECK (readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    rationale    TEXT        NOT NULL,
    version      INTEGER     NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id)
);
INSERT INTO decisions_rebuilt (org_id, id, cycle_id, em_id, director_id, readiness, rationale, version, created_at, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), id, cycle_id, em_id, director_id, readiness, rationale, version, created_at, updated_at FROM decisions t;
DROP TABLE decisions;
ALTER TABLE decisions_rebuilt RENAME TO decisions;
CREATE INDEX decisions_org_idx ON decisions (org_id, cycle_id);

CREATE TABLE peer_requests_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    id            TEXT PRIMARY KEY,
    cycle_id      TEXT NOT NULL REFERENCES cycles(id),
    em_id         TEXT NOT NULL REFERENCES users(id),
    peer_id       TEXT NOT NULL REFERENCES users(id),
    requested_by  TEXT NOT NULL REFERENCES users(id),
    message       text,
    status        TEXT        NOT NULL CHECK (status IN ('open','answered','declined')),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id, peer_id)
);
INSERT INTO peer_requests_rebuilt (org_id, id, cycle_id, em_id, peer_id, requested_by, message, status, created_at, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), id, cycle_id, em_id, peer_id, requested_by, message, status, created_at, updated_at FROM peer_requests t;
DROP TABLE peer_requests;
ALTER TABLE peer_requests_rebuilt RENAME TO peer_requests;
CREATE INDEX peer_requests_peer_idx ON peer_requests (peer_id, id);
CREATE INDEX peer_requests_by_idx ON peer_requests (requested_by, id);
CREATE INDEX peer_requests_org_idx ON peer_requests (org_id, id);

CREATE TABLE peer_notes_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    request_id  TEXT PRIMARY KEY REFERENCES peer_requests(id),
    cycle_id    TEXT NOT NULL REFERENCES cycles(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    author_id   TEXT NOT NULL REFERENCES users(id),
    advocacy    TEXT        NOT NULL CHECK (advocacy IN ('strong','support','neutral','concern')),
    criteria    TEXT        NOT NULL,
    body        TEXT        NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
INSERT INTO peer_notes_rebuilt (org_id, request_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), request_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at FROM peer_notes t;
DROP TABLE peer_notes;
ALTER TABLE peer_notes_rebuilt RENAME TO peer_notes;
CREATE INDEX peer_notes_cycle_idx ON peer_notes (cycle_id, em_id);
CREATE INDEX peer_notes_org_idx ON peer_notes (org_id, cycle_id);

CREATE TABLE prereads_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    cycle_id    TEXT NOT NULL REFERENCES cycles(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    owner_id    TEXT NOT NULL REFERENCES users(id),
    stance      TEXT        NOT NULL CHECK (stance IN ('agree','question','abstain')),
    comment     TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id, owner_id)
);
INSERT INTO prereads_rebuilt (org_id, cycle_id, em_id, owner_id, stance, comment, created_at, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), cycle_id, em_id, owner_id, stance, comment, created_at, updated_at FROM prereads t;
DROP TABLE prereads;
ALTER TABLE prereads_rebuilt RENAME TO prereads;
CREATE INDEX prereads_org_idx ON prereads (org_id, cycle_id);

CREATE TABLE meeting_states_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    cycle_id    TEXT    NOT NULL REFERENCES cycles(id),
    em_id       TEXT    NOT NULL REFERENCES users(id),
    discussed   BOOLEAN NOT NULL,
    note        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
INSERT INTO meeting_states_rebuilt (org_id, cycle_id, em_id, discussed, note, version, updated_by, updated_at)
SELECT (SELECT c.org_id FROM cycles c WHERE c.id = t.cycle_id), cycle_id, em_id, discussed, note, version, updated_by, updated_at FROM meeting_states t;
DROP TABLE meeting_states;
ALTER TABLE meeting_states_rebuilt RENAME TO meeting_states;
CREATE INDEX meeting_states_org_idx ON meeting_states (org_id, cycle_id);

CREATE TABLE sessions_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
INSERT INTO sessions_rebuilt (org_id, id, user_id, created_at, expires_at, revoked_at)
SELECT (SELECT u.org_id FROM users u WHERE u.id = t.user_id), id, user_id, created_at, expires_at, revoked_at FROM sessions t;
DROP TABLE sessions;
ALTER TABLE sessions_rebuilt RENAME TO sessions;
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_org_idx ON sessions (org_id, user_id);

CREATE TABLE refresh_tokens_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    created_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
INSERT INTO refresh_tokens_rebuilt (org_id, token_hash, session_id, created_at, used_at)
SELECT (SELECT u.org_id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = t.session_id), token_hash, session_id, created_at, used_at FROM refresh_tokens t;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_rebuilt RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE idempotency_keys_rebuilt (
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    user_id         TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    done            BOOLEAN NOT NULL,
    response_status INTEGER NOT NULL,
    response_body   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
INSERT INTO idempotency_keys_rebuilt (org_id, user_id, key, fingerprint, done, response_status, response_body, created_at)
SELECT (SELECT u.org_id FROM users u WHERE u.id = t.user_id), user_id, key, fingerprint, done, response_status, response_body, created_at FROM idempotency_keys t WHERE (SELECT u.org_id FROM users u WHERE u.id = t.user_id) IS NOT NULL;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_rebuilt RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE criteria_rebuilt (
    framework_id TEXT NOT NULL REFERENCES frameworks(id),
    position     INTEGER NOT NULL,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    weight       REAL NOT NULL,
    PRIMARY KEY (framework_id, key)
);
INSERT INTO criteria_rebuilt (framework_id, position, key, title, description, weight)
SELECT framework_id, position, key, title, description, weight FROM criteria;
DROP TABLE criteria;
ALTER TABLE criteria_rebuilt RENAME TO criteria;

CREATE TABLE cycle_owners_rebuilt (
    cycle_id  TEXT NOT NULL REFERENCES cycles(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    is_lead   BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, user_id)
);
INSERT INTO cycle_owners_rebuilt (cycle_id, user_id, is_lead)
SELECT cycle_id, user_id, is_lead FROM cycle_owners;
DROP TABLE cycle_owners;
ALTER TABLE cycle_owners_rebuilt RENAME TO cycle_owners;
CREATE INDEX cycle_owners_user_idx ON cycle_owners (user_id);

CREATE TABLE cycle_participants_rebuilt (
    cycle_id     TEXT NOT NULL REFERENCES cycles(id),
    em_id        TEXT NOT NULL REFERENCES users(id),
    director_id  TEXT NOT NULL REFERENCES users(id),
    open         BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
INSERT INTO cycle_participants_rebuilt (cycle_id, em_id, director_id, open)
SELECT cycle_id, em_id, director_id, open FROM cycle_participants;
DROP TABLE cycle_participants;
ALTER TABLE cycle_participants_rebuilt RENAME TO cycle_participants;
CREATE UNIQUE INDEX cycle_participants_one_open ON cycle_participants (em_id) WHERE open = 1;
CREATE INDEX cycle_participants_em_idx ON cycle_participants (em_id);

CREATE TABLE assessments_rebuilt (
    id            TEXT PRIMARY KEY,
    cycle_id      TEXT NOT NULL REFERENCES cycles(id),
    em_id         TEXT NOT NULL REFERENCES users(id),
    kind          TEXT        NOT NULL CHECK (kind IN ('director','self')),
    author_id     TEXT NOT NULL REFERENCES users(id),
    private_note  text,
    version       INTEGER     NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id, kind)
);
INSERT INTO assessments_rebuilt (id, cycle_id, em_id, kind, author_id, private_note, version, created_at, updated_at)
SELECT id, cycle_id, em_id, kind, author_id, private_note, version, created_at, updated_at FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_rebuilt RENAME TO assessments;

CREATE TABLE ratings_rebuilt (
    assessment_id  TEXT NOT NULL REFERENCES assessments(id),
    criterion      TEXT        NOT NULL,
    score          INTEGER     NOT NULL,
    evidence       TEXT        NOT NULL,
    PRIMARY KEY (assessment_id, criterion)
);
INSERT INTO ratings_rebuilt (assessment_id, criterion, score, evidence)
SELECT assessment_id, criterion, score, evidence FROM ratings;
DROP TABLE ratings;
ALTER TABLE ratings_rebuilt RENAME TO ratings;

CREATE TABLE decisions_rebuilt (
    id           TEXT PRIMARY KEY,
    cycle_id     TEXT NOT NULL REFERENCES cycles(id),
    em_id        TEXT NOT NULL REFERENCES users(id),
    director_id  TEXT NOT NULL REFERENCES users(id),
    readiness    TEXT        NOT NULL CHECK (readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    rationale    TEXT        NOT NULL,
    version      INTEGER     NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id)
);
INSERT INTO decisions_rebuilt (id, cycle_id, em_id, director_id, readiness, rationale, version, created_at, updated_at)
SELECT id, cycle_id, em_id, director_id, readiness, rationale, version, created_at, updated_at FROM decisions;
DROP TABLE decisions;
ALTER TABLE decisions_rebuilt RENAME TO decisions;

CREATE TABLE peer_requests_rebuilt (
    id            TEXT PRIMARY KEY,
    cycle_id      TEXT NOT NULL REFERENCES cycles(id),
    em_id         TEXT NOT NULL REFERENCES users(id),
    peer_id       TEXT NOT NULL REFERENCES users(id),
    requested_by  TEXT NOT NULL REFERENCES users(id),
    message       text,
    status        TEXT        NOT NULL CHECK (status IN ('open','answered','declined')),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, em_id, peer_id)
);
INSERT INTO peer_requests_rebuilt (id, cycle_id, em_id, peer_id, requested_by, message, status, created_at, updated_at)
SELECT id, cycle_id, em_id, peer_id, requested_by, message, status, created_at, updated_at FROM peer_requests;
DROP TABLE peer_requests;
ALTER TABLE peer_requests_rebuilt RENAME TO peer_requests;
CREATE INDEX peer_requests_peer_idx ON peer_requests (peer_id, id);
CREATE INDEX peer_requests_by_idx ON peer_requests (requested_by, id);

CREATE TABLE peer_notes_rebuilt (
    request_id  TEXT PRIMARY KEY REFERENCES peer_requests(id),
    cycle_id    TEXT NOT NULL REFERENCES cycles(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    author_id   TEXT NOT NULL REFERENCES users(id),
    advocacy    TEXT        NOT NULL CHECK (advocacy IN ('strong','support','neutral','concern')),
    criteria    TEXT        NOT NULL,
    body        TEXT        NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
INSERT INTO peer_notes_rebuilt (request_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at)
SELECT request_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at FROM peer_notes;
DROP TABLE peer_notes;
ALTER TABLE peer_notes_rebuilt RENAME TO peer_notes;
CREATE INDEX peer_notes_cycle_idx ON peer_notes (cycle_id, em_id);

CREATE TABLE prereads_rebuilt (
    cycle_id    TEXT NOT NULL REFERENCES cycles(id),
    em_id       TEXT NOT NULL REFERENCES users(id),
    owner_id    TEXT NOT NULL REFERENCES users(id),
    stance      TEXT        NOT NULL CHECK (stance IN ('agree','question','abstain')),
    comment     TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id, owner_id)
);
INSERT INTO prereads_rebuilt (cycle_id, em_id, owner_id, stance, comment, created_at, updated_at)
SELECT cycle_id, em_id, owner_id, stance, comment, created_at, updated_at FROM prereads;
DROP TABLE prereads;
ALTER TABLE prereads_rebuilt RENAME TO prereads;

CREATE TABLE meeting_states_rebuilt (
    cycle_id    TEXT    NOT NULL REFERENCES cycles(id),
    em_id       TEXT    NOT NULL REFERENCES users(id),
    discussed   BOOLEAN NOT NULL,
    note        TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
INSERT INTO meeting_states_rebuilt (cycle_id, em_id, discussed, note, version, updated_by, updated_at)
SELECT cycle_id, em_id, discussed, note, version, updated_by, updated_at FROM meeting_states;
DROP TABLE meeting_states;
ALTER TABLE meeting_states_rebuilt RENAME TO meeting_states;

CREATE TABLE sessions_rebuilt (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
INSERT INTO sessions_rebuilt (id, user_id, created_at, expires_at, revoked_at)
SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_rebuilt RENAME TO sessions;
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE refresh_tokens_rebuilt (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    created_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
INSERT INTO refresh_tokens_rebuilt (token_hash, session_id, created_at, used_at)
SELECT token_hash, session_id, created_at, used_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_rebuilt RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE idempotency_keys_rebuilt (
    user_id         TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    done            BOOLEAN NOT NULL,
    response_status INTEGER NOT NULL,
    response_body   TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);
INSERT INTO idempotency_keys_rebuilt (user_id, key, fingerprint, done, response_status, response_body, created_at)
SELECT user_id, key, fingerprint, done, response_status, response_body, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_rebuilt RENAME TO idempotency_keys;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
COMMIT;
PRAGMA foreign_keys = ON;
