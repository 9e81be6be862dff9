-- Self-serve key page sessions (docs/portal.md). The SaaS backend opens one with an admin credential; the browser
-- trades its one-time token once for a cookie naming the row. Only the token's SHA-256 is stored. Times are Unix ms.
CREATE TABLE portal_sessions (
    id                  TEXT    NOT NULL PRIMARY KEY,
    token_hash          BLOB    NOT NULL,
    workspace_id        TEXT    NOT NULL,
    owner               TEXT    NOT NULL,
    display_name        TEXT    NULL,
    allowed_scopes      TEXT    NOT NULL,   -- JSON array, as POST /v1/portal-sessions accepted it
    return_url          TEXT    NULL,
    created_by          TEXT    NOT NULL,   -- the admin credential that opened it (audit details.session)
    created_at          INTEGER NOT NULL,
    ttl_seconds         INTEGER NOT NULL,
    token_expires_at    INTEGER NOT NULL,
    started_at          INTEGER NULL,       -- set once, when the token is traded: the token is then spent
    session_expires_at  INTEGER NULL        -- the cookie's end, set with started_at
);
CREATE UNIQUE INDEX ux_portal_sessions_token ON portal_sessions (token_hash);
CREATE INDEX ix_portal_sessions_token_expires ON portal_sessions (token_expires_at);
