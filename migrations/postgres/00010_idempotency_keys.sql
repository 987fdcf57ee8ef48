-- +goose Up
-- The first answer of each create sent with an Idempotency-Key, so a
-- repeat of the same request (a double click, a retry after a lost answer)
-- gets that answer again instead of a second object. One row per (user,
-- key): the primary key is what lets exactly one of two simultaneous
-- requests claim a key, on every replica. fingerprint is a SHA-256 of
-- method, path and body; done is false while the first request is being
-- answered; created_at is in microseconds since 1970. Rows older than 24
-- hours are deleted by the servers as they go.
CREATE TABLE idempotency_keys (
    user_id         varchar(36)  NOT NULL,
    key             varchar(128) NOT NULL,
    fingerprint     varchar(64)  NOT NULL,
    done            boolean      NOT NULL,
    response_status integer      NOT NULL,
    response_body   text         NOT NULL,
    created_at      bigint       NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
