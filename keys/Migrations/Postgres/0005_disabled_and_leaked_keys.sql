-- The Postgres twin of Migrations/Sqlite/0005: when a key was disabled and when it was reported as leaked (Unix ms,
-- null while it has not), and who reported it.
ALTER TABLE api_keys ADD COLUMN disabled_at bigint NULL;
ALTER TABLE api_keys ADD COLUMN leaked_at bigint NULL;
ALTER TABLE api_keys ADD COLUMN leak_source text NULL;
