-- The Postgres twin of Migrations/Sqlite/0007: requests the shadow routes file would decide differently, per live
-- route, key, outcome and UTC hour, with the last one (Unix ms); written by gateways in batches.
CREATE TABLE shadow_decisions (
    route         text    NOT NULL,
    key_id        text    NOT NULL,
    outcome       text    NOT NULL CHECK (outcome IN ('would_refuse', 'would_allow')),
    hour          bigint  NOT NULL,                -- Unix ms of the hour's start
    count         bigint  NOT NULL,
    last_seen_at  bigint  NOT NULL,
    PRIMARY KEY (route, key_id, outcome, hour)
);
CREATE INDEX ix_shadow_decisions_last_seen ON shadow_decisions (last_seen_at);
