-- Keys: the hash is the only trace of the secret and lives only here.
CREATE TABLE api_keys (
    id            TEXT    NOT NULL PRIMARY KEY,
    hash          BLOB    NOT NULL,
    prefix        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('live', 'test')),
    workspace_id  TEXT    NOT NULL,
    workspaces    TEXT    NOT NULL DEFAULT '[]',   -- JSON array of extra workspace ids
    owner         TEXT    NULL,
    scopes        TEXT    NOT NULL,                -- JSON array
    tier          TEXT    NULL,
    rate_limit    TEXT    NULL,                    -- JSON {"limit":n,"periodSeconds":s}
    quota         TEXT    NULL,                    -- JSON {"daily":n,"monthly":n}
    allowed_ips   TEXT    NOT NULL DEFAULT '[]',   -- JSON array of CIDRs
    lineage_id    TEXT    NOT NULL REFERENCES key_lineages (id),
    created_at    INTEGER NOT NULL,                -- Unix ms, like every timestamp here
    created_by    TEXT    NOT NULL,
    expires_at    INTEGER NULL,
    revoked_at    INTEGER NULL,
    rotated_from  TEXT    NULL REFERENCES api_keys (id),
    rotated_to    TEXT    NULL REFERENCES api_keys (id),
    last_used_at  INTEGER NULL
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (hash);
CREATE INDEX ix_api_keys_workspace ON api_keys (workspace_id, created_at);
CREATE INDEX ix_api_keys_owner ON api_keys (owner, revoked_at, expires_at);
CREATE INDEX ix_api_keys_lineage ON api_keys (lineage_id);

-- A lineage is a key and all its rotated successors: rate-limit and quota state is per lineage.
CREATE TABLE key_lineages (
    id          TEXT    NOT NULL PRIMARY KEY,
    created_at  INTEGER NOT NULL
);

-- Every change to a key appends a row; gateways poll it to drop cached copies within the freshness bound.
CREATE TABLE key_changes (
    seq     INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    key_id  TEXT    NOT NULL,
    at      INTEGER NOT NULL
);

CREATE TABLE admin_credentials (
    id          TEXT    NOT NULL PRIMARY KEY,
    hash        BLOB    NOT NULL,
    prefix      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'admin')),
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NULL,
    revoked_at  INTEGER NULL
);
CREATE UNIQUE INDEX ux_admin_credentials_hash ON admin_credentials (hash);

CREATE TABLE audit_events (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    key_id      TEXT    NULL,
    key_name    TEXT    NULL,
    details     TEXT    NULL                       -- JSON object, never a secret or hash
);
CREATE INDEX ix_audit_events_key ON audit_events (key_id, id);

-- Requests per key per UTC hour, written by gateways in batches.
CREATE TABLE usage_hourly (
    key_id  TEXT    NOT NULL,
    hour    INTEGER NOT NULL,                      -- Unix ms of the hour's start
    count   INTEGER NOT NULL,
    PRIMARY KEY (key_id, hour)
) WITHOUT ROWID;
CREATE INDEX ix_usage_hourly_hour ON usage_hourly (hour);

-- Quota spent per lineage per calendar period ('d:2026-11-25', 'm:2026-11'), written by gateways in batches.
CREATE TABLE quota_usage (
    lineage_id  TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (lineage_id, period)
) WITHOUT ROWID;
