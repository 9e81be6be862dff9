-- Webhooks (docs/webhooks.md). An endpoint's signing secret is kept as issued: HMAC needs it to sign every delivery,
-- so unlike a key's it cannot be a hash. It is shown once by the API and read only by the dispatcher.
CREATE TABLE webhooks (
    id           TEXT    NOT NULL PRIMARY KEY,          -- wh_…
    url          TEXT    NOT NULL,
    events       TEXT    NOT NULL,                      -- JSON array of event types, or ["*"]
    description  TEXT    NULL,
    secret       TEXT    NOT NULL,                      -- whsec_…
    created_at   INTEGER NOT NULL,
    created_by   TEXT    NOT NULL,
    deleted_at   INTEGER NULL
);

-- The outbox: one row per event, written in the transaction of the change it tells about, with the exact body sent.
CREATE TABLE webhook_events (
    id          TEXT    NOT NULL PRIMARY KEY,           -- evt_…, the webhook-id header (stable across retries)
    type        TEXT    NOT NULL,
    key_id      TEXT    NULL,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One row per event and subscribed endpoint, written with the event. Rows of one endpoint and one key (order_key)
-- are sent one at a time in seq order; a claim holds a row for lease_until (the lease_token says whose it is).
CREATE TABLE webhook_deliveries (
    seq              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    webhook_id       TEXT    NOT NULL REFERENCES webhooks (id),
    event_id         TEXT    NOT NULL REFERENCES webhook_events (id),
    order_key        TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_token      TEXT    NULL,
    lease_until      INTEGER NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_order ON webhook_deliveries (webhook_id, order_key, seq);

-- What each attempt got: GET /v1/webhooks/{id}/deliveries, newest first.
CREATE TABLE webhook_attempts (
    id               INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    webhook_id       TEXT    NOT NULL,
    event_id         TEXT    NOT NULL,
    type             TEXT    NOT NULL,
    attempt          INTEGER NOT NULL,
    status           INTEGER NULL,                      -- the HTTP status, null when none came back
    error            TEXT    NULL,
    at               INTEGER NOT NULL,
    next_attempt_at  INTEGER NULL                       -- null: delivered, or given up
);
CREATE INDEX ix_webhook_attempts_webhook ON webhook_attempts (webhook_id, id);

-- key.expiring is sent once per key: the row says it was.
CREATE TABLE key_expiry_warnings (
    key_id  TEXT    NOT NULL PRIMARY KEY,
    at      INTEGER NOT NULL
) WITHOUT ROWID;

-- Gateways record that they refused a lineage for spent quota, once per period (the key is the guard: any number of
-- gateways insert, one row stays); the admin API turns each new row into one key.quota_exhausted event.
CREATE TABLE quota_exhaustions (
    lineage_id  TEXT    NOT NULL,
    period      TEXT    NOT NULL,                       -- 'd:2026-11-25' or 'm:2026-11', as quota_usage
    key_id      TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    emitted_at  INTEGER NULL,
    PRIMARY KEY (lineage_id, period)
) WITHOUT ROWID;
CREATE INDEX ix_quota_exhaustions_pending ON quota_exhaustions (emitted_at, at);
