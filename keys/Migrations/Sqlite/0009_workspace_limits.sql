-- Workspace limits (docs/admin-api.md "Workspace limits"): a rate limit and/or quotas shared by every key serving the
-- workspace, on top of each key's own. rate_limit and quota are JSON like api_keys' ({"limit","periodSeconds"},
-- {"daily","monthly"}); at least one of tier, rate_limit and quota is set. Changing a row appends the change-feed
-- row 'workspace:{workspace_id}', which gateways follow to apply it within 1 s.
CREATE TABLE workspace_limits (
    workspace_id  TEXT    NOT NULL PRIMARY KEY,
    tier          TEXT    NULL,
    rate_limit    TEXT    NULL,
    quota         TEXT    NULL,
    updated_at    INTEGER NOT NULL,                -- Unix ms
    updated_by    TEXT    NOT NULL,                -- the admin credential id, as in the audit's actor
    CHECK (tier IS NOT NULL OR rate_limit IS NOT NULL OR quota IS NOT NULL)
) WITHOUT ROWID;
