-- +goose Up
CREATE TABLE cycles (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES organizations(id),
    name              TEXT        NOT NULL,
    framework_id      TEXT NOT NULL REFERENCES frameworks(id),
    lead_id           TEXT NOT NULL REFERENCES users(id),
    state             TEXT        NOT NULL CHECK (state IN ('draft','input_open','calibrating','finalized','released')),
    input_due         TEXT,
    peer_attribution  TEXT        NOT NULL CHECK (peer_attribution IN ('named','by_function','anonymous')),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    finalized_at      TIMESTAMP,
    released_at       TIMESTAMP
);
CREATE INDEX cycles_org_idx ON cycles (org_id, id);

-- Lead and co-owners; the lead has a row too, so "owners" is one join.
CREATE TABLE cycle_owners (
    cycle_id  TEXT NOT NULL REFERENCES cycles(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    is_lead   BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, user_id)
);
CREATE INDEX cycle_owners_user_idx ON cycle_owners (user_id);

-- director_id is the participant's director in the cycle: the owner
-- nearest above them. open is true until the cycle is finalized; the
-- partial unique index keeps an EM in at most one unfinished cycle, even
-- against concurrent writers.
CREATE TABLE cycle_participants (
    cycle_id     TEXT NOT NULL REFERENCES cycles(id),
    em_id        TEXT NOT NULL REFERENCES users(id),
    director_id  TEXT NOT NULL REFERENCES users(id),
    open         BOOLEAN     NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
CREATE UNIQUE INDEX cycle_participants_one_open ON cycle_participants (em_id) WHERE open = 1;
CREATE INDEX cycle_participants_em_idx ON cycle_participants (em_id);

-- Director assessments (kind 'director') and self-assessments ('self').
CREATE TABLE assessments (
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

CREATE TABLE ratings (
    assessment_id  TEXT NOT NULL REFERENCES assessments(id),
    criterion      TEXT        NOT NULL,
    score          INTEGER     NOT NULL,
    evidence       TEXT        NOT NULL,
    PRIMARY KEY (assessment_id, criterion)
);

CREATE TABLE decisions (
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

CREATE TABLE peer_requests (
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
CREATE INDEX peer_requests_peer_idx ON peer_requests (peer_id, id);
CREATE INDEX peer_requests_by_idx ON peer_requests (requested_by, id);

-- A note answers one request. criteria is a JSON array of criterion keys.
CREATE TABLE peer_notes (
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
CREATE INDEX peer_notes_cycle_idx ON peer_notes (cycle_id, em_id);

-- +goose Down
DROP TABLE peer_notes;
DROP TABLE peer_requests;
DROP TABLE decisions;
DROP TABLE ratings;
DROP TABLE assessments;
DROP TABLE cycle_participants;
DROP TABLE cycle_owners;
DROP TABLE cycles;
