-- The Postgres twin of Migrations/Sqlite/0006: self-serve key page sessions (docs/portal.md), only the one-time
-- token's SHA-256 stored, times bigint Unix ms.
CREATE TABLE portal_sessions (
    id                  text    NOT NULL PRIMARY KEY,
    token_hash          bytea   NOT NULL,
    workspace_id        text    NOT NULL,
    owner               text    NOT NULL,
    display_name        text    NULL,
    allowed_scopes      text    NOT NULL,   -- JSON array, as POST /v1/portal-sessions accepted it
    return_url          text    NULL,
    created_by          text    NOT NULL,   -- the admin credential that opened it (audit details.session)
    created_at          bigint  NOT NULL,
    ttl_seconds         integer NOT NULL,
    token_expires_at    bigint  NOT NULL,
    started_at          bigint  NULL,       -- set once, when the token is traded: the token is then spent
    session_expires_at  bigint  NULL        -- the cookie's end, set with started_at
);
CREATE UNIQUE INDEX ux_portal_sessions_token ON portal_sessions (token_hash);
CREATE INDEX ix_portal_sessions_token_expires ON portal_sessions (token_expires_at);
