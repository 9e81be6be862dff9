-- The Postgres twin of Migrations/Sqlite/0009: limits shared by every key serving a workspace (JSON columns as
-- api_keys'); changes append the change-feed row 'workspace:{workspace_id}'.
CREATE TABLE workspace_limits (
    workspace_id  text    NOT NULL PRIMARY KEY,
    tier          text    NULL,
    rate_limit    text    NULL,
    quota         text    NULL,
    updated_at    bigint  NOT NULL,                -- Unix ms
    updated_by    text    NOT NULL,
    CHECK (tier IS NOT NULL OR rate_limit IS NOT NULL OR quota IS NOT NULL)
);
