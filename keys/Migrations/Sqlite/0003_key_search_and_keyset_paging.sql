-- Console and API search by visible prefix: a leaked key's prefix is found by an index range, not a scan
-- (prefix >= @from AND prefix < @to; BINARY collation compares bytes, and prefixes are ASCII).
CREATE INDEX ix_api_keys_prefix ON api_keys (prefix);

-- Keyset paging of the newest-first key list: (created_at, id) < (cursor) walks this index backwards.
CREATE INDEX ix_api_keys_created ON api_keys (created_at, id);
