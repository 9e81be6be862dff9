-- Disabled keys (PATCH enabled: false) and leaked keys (POST /v1/leaks, GitHub secret scanning): when each happened,
-- Unix ms, null while it has not. A disabled key still counts toward its owner's cap, so the cap's index is unchanged.
ALTER TABLE api_keys ADD COLUMN disabled_at INTEGER NULL;
ALTER TABLE api_keys ADD COLUMN leaked_at INTEGER NULL;
ALTER TABLE api_keys ADD COLUMN leak_source TEXT NULL;
