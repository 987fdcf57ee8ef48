-- +goose Up
-- Who asked not to receive which kind of e-mail. A row means "do not send
-- this user e-mail of this kind"; the unsubscribe link of each e-mail adds
-- it. The e-mail queue's own tables (river_*) are made by the queue's
-- migrations, which Store.Migrate runs after these.
CREATE TABLE mail_optouts (
    org_id     varchar(36) NOT NULL REFERENCES organizations(id),
    user_id    varchar(36) NOT NULL REFERENCES users(id),
    kind       text        NOT NULL CHECK (kind IN ('peer_request.asked','peer_request.reminded','peer_request.due_soon','cycle.input_closed')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, user_id, kind)
);
CREATE INDEX mail_optouts_user_idx ON mail_optouts (user_id);

-- +goose Down
DROP TABLE mail_optouts;
