-- Request cost and refusals in hourly usage (docs/billing.md): next to count (authenticated requests), units (cost
-- units spent by admitted requests, a route's "Cost") and refused (requests answered 403 or 429). Rows written before
-- this migration counted every request as one unit and no refusals: they read as units = count, refused = 0.
ALTER TABLE usage_hourly ADD COLUMN units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
UPDATE usage_hourly SET units = count;
