-- The Postgres twin of Migrations/Sqlite/0001_initial.sql: same tables, columns and meanings, so both providers
-- share their row mapping (KeyRow, AuditRow, AdminRow). Timestamps are bigint Unix ms; JSON columns are text holding
-- exactly the JSON the store wrote (jsonb would reorder keys and respace what the admin API returns).

-- A lineage is a key and all its rotated successors: rate-limit and quota state is per lineage.
CREATE TABLE key_lineages (
    id          text    NOT NULL PRIMARY KEY,
    created_at  bigint  NOT NULL
);

-- Keys: the hash is the only trace of the secret and lives only here.
CREATE TABLE api_keys (
    id            text    NOT NULL PRIMARY KEY,
    hash          bytea   NOT NULL,
    prefix        text    NOT NULL,
    name          text    NOT NULL,
    mode          text    NOT NULL CHECK (mode IN ('live', 'test')),
    workspace_id  text    NOT NULL,
    workspaces    text    NOT NULL DEFAULT '[]',   -- JSON array of extra workspace ids
    owner         text    NULL,
    scopes        text    NOT NULL,                -- JSON array
    tier          text    NULL,
    rate_limit    text    NULL,                    -- JSON {"limit":n,"periodSeconds":s}
    quota         text    NULL,                    -- JSON {"daily":n,"monthly":n}
    allowed_ips   text    NOT NULL DEFAULT '[]',   -- JSON array of CIDRs
    lineage_id    text    NOT NULL REFERENCES key_lineages (id),
    created_at    bigint  NOT NULL,                -- Unix ms, like every timestamp here
    created_by    text    NOT NULL,
    expires_at    bigint  NULL,
    revoked_at    bigint  NULL,
    rotated_from  text    NULL REFERENCES api_keys (id),
    rotated_to    text    NULL REFERENCES api_keys (id),
    last_used_at  bigint  NULL
);
CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (hash);
CREATE INDEX ix_api_keys_workspace ON api_keys (workspace_id, created_at);
CREATE INDEX ix_api_keys_owner ON api_keys (owner, revoked_at, expires_at);
CREATE INDEX ix_api_keys_lineage ON api_keys (lineage_id);

-- Every change to a key appends a row; gateways poll it to drop cached copies within the freshness bound.
-- Writers append under LOCK TABLE key_changes IN EXCLUSIVE MODE (held to commit), so sequence order is commit order
-- and a poller reading "seq > last seen" never skips a row that commits late.
CREATE TABLE key_changes (
    seq     bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id  text    NOT NULL,
    at      bigint  NOT NULL
);

CREATE TABLE admin_credentials (
    id          text    NOT NULL PRIMARY KEY,
    hash        bytea   NOT NULL,
    prefix      text    NOT NULL,
    name        text    NOT NULL,
    role        text    NOT NULL CHECK (role IN ('owner', 'admin')),
    created_at  bigint  NOT NULL,
    created_by  text    NULL,
    revoked_at  bigint  NULL
);
CREATE UNIQUE INDEX ux_admin_credentials_hash ON admin_credentials (hash);

CREATE TABLE audit_events (
    id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          bigint  NOT NULL,
    actor_id    text    NOT NULL,
    actor_name  text    NOT NULL,
    action      text    NOT NULL,
    key_id      text    NULL,
    key_name    text    NULL,
    details     text    NULL                       -- JSON object, never a secret or hash
);
CREATE INDEX ix_audit_events_key ON audit_events (key_id, id);

-- Requests per key per UTC hour, written by gateways in batches.
CREATE TABLE usage_hourly (
    key_id  text    NOT NULL,
    hour    bigint  NOT NULL,                      -- Unix ms of the hour's start
    count   bigint  NOT NULL,
    PRIMARY KEY (key_id, hour)
);
CREATE INDEX ix_usage_hourly_hour ON usage_hourly (hour);

-- Quota spent per lineage per calendar period ('d:2026-11-25', 'm:2026-11'), written by gateways in batches.
CREATE TABLE quota_usage (
    lineage_id  text    NOT NULL,
    period      text    NOT NULL,
    count       bigint  NOT NULL,
    PRIMARY KEY (lineage_id, period)
);
