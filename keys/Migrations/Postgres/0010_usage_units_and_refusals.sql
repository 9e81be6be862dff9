-- The Postgres twin of Migrations/Sqlite/0010: hourly usage also counts units (cost units spent by admitted requests)
-- and refused (requests answered 403 or 429); rows written before read as units = count, refused = 0.
ALTER TABLE usage_hourly ADD COLUMN units bigint NOT NULL DEFAULT 0, ADD COLUMN refused bigint NOT NULL DEFAULT 0;
UPDATE usage_hourly SET units = count;
