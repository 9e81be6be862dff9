-- Admin credentials list in creation order on both engines, so the bootstrap owner (always the first one made) lists
-- first. Until now SQLite ordered by the implicit rowid and Postgres by the random id after created_at. The table is
-- rebuilt with its rowid named: seq, the same column Postgres gets as an identity (Postgres/0004).
CREATE TABLE admin_credentials_ordered (
    seq         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    hash        BLOB    NOT NULL,
    prefix      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('owner', 'admin')),
    created_at  INTEGER NOT NULL,
    created_by  TEXT    NULL,
    revoked_at  INTEGER NULL
);
INSERT INTO admin_credentials_ordered (seq, id, hash, prefix, name, role, created_at, created_by, revoked_at)
    SELECT rowid, id, hash, prefix, name, role, created_at, created_by, revoked_at FROM admin_credentials ORDER BY rowid;
DROP TABLE admin_credentials;
ALTER TABLE admin_credentials_ordered RENAME TO admin_credentials;
CREATE UNIQUE INDEX ux_admin_credentials_hash ON admin_credentials (hash);
