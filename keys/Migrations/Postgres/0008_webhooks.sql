-- The Postgres twin of Migrations/Sqlite/0008: webhook endpoints, the event outbox, deliveries and their attempts,
-- the once-per-key expiry warnings and the once-per-lineage-and-period quota exhaustions.
CREATE TABLE webhooks (
    id           text    NOT NULL PRIMARY KEY,
    url          text    NOT NULL,
    events       text    NOT NULL,
    description  text    NULL,
    secret       text    NOT NULL,
    created_at   bigint  NOT NULL,
    created_by   text    NOT NULL,
    deleted_at   bigint  NULL
);

CREATE TABLE webhook_events (
    id          text    NOT NULL PRIMARY KEY,
    type        text    NOT NULL,
    key_id      text    NULL,
    payload     text    NOT NULL,
    created_at  bigint  NOT NULL
);

CREATE TABLE webhook_deliveries (
    seq              bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       text    NOT NULL REFERENCES webhooks (id),
    event_id         text    NOT NULL REFERENCES webhook_events (id),
    order_key        text    NOT NULL,
    state            text    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  bigint  NOT NULL,
    lease_token      text    NULL,
    lease_until      bigint  NULL,
    created_at       bigint  NOT NULL
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_order ON webhook_deliveries (webhook_id, order_key, seq);

CREATE TABLE webhook_attempts (
    id               bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       text    NOT NULL,
    event_id         text    NOT NULL,
    type             text    NOT NULL,
    attempt          integer NOT NULL,
    status           integer NULL,
    error            text    NULL,
    at               bigint  NOT NULL,
    next_attempt_at  bigint  NULL
);
CREATE INDEX ix_webhook_attempts_webhook ON webhook_attempts (webhook_id, id);

CREATE TABLE key_expiry_warnings (
    key_id  text    NOT NULL PRIMARY KEY,
    at      bigint  NOT NULL
);

CREATE TABLE quota_exhaustions (
    lineage_id  text    NOT NULL,
    period      text    NOT NULL,
    key_id      text    NOT NULL,
    at          bigint  NOT NULL,
    emitted_at  bigint  NULL,
    PRIMARY KEY (lineage_id, period)
);
CREATE INDEX ix_quota_exhaustions_pending ON quota_exhaustions (emitted_at, at);
