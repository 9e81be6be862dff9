-- Shadow routes (Gateway:ShadowRoutesFile): per live route, key and outcome ('would_refuse', 'would_allow'), how many
-- requests the candidate routes file would have decided differently in each UTC hour, and the last one (Unix ms).
-- Written by gateways in batches like usage_hourly; read by GET /v1/shadow-decisions.
CREATE TABLE shadow_decisions (
    route         TEXT    NOT NULL,
    key_id        TEXT    NOT NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('would_refuse', 'would_allow')),
    hour          INTEGER NOT NULL,                -- Unix ms of the hour's start
    count         INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    PRIMARY KEY (route, key_id, outcome, hour)
) WITHOUT ROWID;
CREATE INDEX ix_shadow_decisions_last_seen ON shadow_decisions (last_seen_at);
