-- Admin credentials list in creation order on both engines, so the bootstrap owner (always the first one made) lists
-- first. Until now Postgres broke created_at ties by the random id. seq is an identity taken at insert; rows made
-- before this version are numbered bootstrap first (the one without a creator), then by created_at and id.
ALTER TABLE admin_credentials ADD COLUMN seq bigint;
UPDATE admin_credentials AS a SET seq = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_by IS NOT NULL, created_at, id) AS n FROM admin_credentials) AS o
 WHERE a.id = o.id;
ALTER TABLE admin_credentials ALTER COLUMN seq SET NOT NULL;
ALTER TABLE admin_credentials ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('admin_credentials', 'seq'), COALESCE((SELECT MAX(seq) FROM admin_credentials), 0) + 1, false);
CREATE UNIQUE INDEX ux_admin_credentials_seq ON admin_credentials (seq);
