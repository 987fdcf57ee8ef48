-- +goose Up
CREATE TABLE cycles (
    id                varchar(36) PRIMARY KEY,
    org_id            varchar(36) NOT NULL REFERENCES organizations(id),
    name              text        NOT NULL,
    framework_id      varchar(36) NOT NULL REFERENCES frameworks(id),
    lead_id           varchar(36) NOT NULL REFERENCES users(id),
    state             text        NOT NULL CHECK (state IN ('draft','input_open','calibrating','finalized','released')),
    input_due         varchar(10),
    peer_attribution  text        NOT NULL CHECK (peer_attribution IN ('named','by_function','anonymous')),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    finalized_at      timestamptz,
    released_at       timestamptz
);
CREATE INDEX cycles_org_idx ON cycles (org_id, id);

-- Lead and co-owners; the lead has a row too, so "owners" is one join.
CREATE TABLE cycle_owners (
    cycle_id  varchar(36) NOT NULL REFERENCES cycles(id),
    user_id   varchar(36) NOT NULL REFERENCES users(id),
    is_lead   boolean     NOT NULL,
    PRIMARY KEY (cycle_id, user_id)
);
CREATE INDEX cycle_owners_user_idx ON cycle_owners (user_id);

-- director_id is the participant's director in the cycle: the owner
-- nearest above them. open is true until the cycle is finalized; the
-- partial unique index keeps an EM in at most one unfinished cycle, even
-- against concurrent writers.
CREATE TABLE cycle_participants (
    cycle_id     varchar(36) NOT NULL REFERENCES cycles(id),
    em_id        varchar(36) NOT NULL REFERENCES users(id),
    director_id  varchar(36) NOT NULL REFERENCES users(id),
    open         boolean     NOT NULL,
    PRIMARY KEY (cycle_id, em_id)
);
CREATE UNIQUE INDEX cycle_participants_one_open ON cycle_participants (em_id) WHERE open;
CREATE INDEX cycle_participants_em_idx ON cycle_participants (em_id);

-- Director assessments (kind 'director') and self-assessments ('self').
CREATE TABLE assessments (
    id            varchar(36) PRIMARY KEY,
    cycle_id      varchar(36) NOT NULL REFERENCES cycles(id),
    em_id         varchar(36) NOT NULL REFERENCES users(id),
    kind          text        NOT NULL CHECK (kind IN ('director','self')),
    author_id     varchar(36) NOT NULL REFERENCES users(id),
    private_note  text,
    version       integer     NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (cycle_id, em_id, kind)
);

CREATE TABLE ratings (
    assessment_id  varchar(36) NOT NULL REFERENCES assessments(id),
    criterion      text        NOT NULL,
    score          integer     NOT NULL,
    evidence       text        NOT NULL,
    PRIMARY KEY (assessment_id, criterion)
);

CREATE TABLE decisions (
    id           varchar(36) PRIMARY KEY,
    cycle_id     varchar(36) NOT NULL REFERENCES cycles(id),
    em_id        varchar(36) NOT NULL REFERENCES users(id),
    director_id  varchar(36) NOT NULL REFERENCES users(id),
    readiness    text        NOT NULL CHECK (readiness IN ('ready_now','ready_6_12_months','ready_12_24_months','not_yet')),
    rationale    text        NOT NULL,
    version      integer     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (cycle_id, em_id)
);

CREATE TABLE peer_requests (
    id            varchar(36) PRIMARY KEY,
    cycle_id      varchar(36) NOT NULL REFERENCES cycles(id),
    em_id         varchar(36) NOT NULL REFERENCES users(id),
    peer_id       varchar(36) NOT NULL REFERENCES users(id),
    requested_by  varchar(36) NOT NULL REFERENCES users(id),
    message       text,
    status        text        NOT NULL CHECK (status IN ('open','answered','declined')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (cycle_id, em_id, peer_id)
);
CREATE INDEX peer_requests_peer_idx ON peer_requests (peer_id, id);
CREATE INDEX peer_requests_by_idx ON peer_requests (requested_by, id);

-- A note answers one request. criteria is a JSON array of criterion keys.
CREATE TABLE peer_notes (
    request_id  varchar(36) PRIMARY KEY REFERENCES peer_requests(id),
    cycle_id    varchar(36) NOT NULL REFERENCES cycles(id),
    em_id       varchar(36) NOT NULL REFERENCES users(id),
    author_id   varchar(36) NOT NULL REFERENCES users(id),
    advocacy    text        NOT NULL CHECK (advocacy IN ('strong','support','neutral','concern')),
    criteria    text        NOT NULL,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
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
