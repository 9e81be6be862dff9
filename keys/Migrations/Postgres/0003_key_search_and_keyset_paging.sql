-- Console and API search by visible prefix: a leaked key's prefix is found by an index range, not a scan.
-- The "C" collation compares bytes, so the range prefix >= @from AND prefix < @to (prefixes are ASCII) selects exactly
-- the keys that start with @from, with the same SQL as SQLite, and works with parameters in generic plans (LIKE 'x%'
-- would need a constant pattern).
ALTER TABLE api_keys ALTER COLUMN prefix TYPE text COLLATE "C";
CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);

-- Keyset paging of the newest-first key list: (created_at, id) < (cursor) walks this index backwards.
CREATE INDEX ix_api_keys_created ON api_keys (created_at, id);
