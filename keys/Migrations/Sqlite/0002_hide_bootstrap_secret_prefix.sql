-- Before this version a bootstrap credential made from an operator-chosen Admin:BootstrapKey was listed and audited
-- with the first characters of that secret as its prefix. The bootstrap credential (the only one without a creator)
-- now shows its public id instead, in its row and in every audit event about it (docs/security.md "Secrets").
UPDATE audit_events
   SET details = json_set(details, '$.prefix', json_extract(details, '$.adminId'))
 WHERE action LIKE 'admin.%'
   AND json_extract(details, '$.adminId') IN (SELECT id FROM admin_credentials WHERE created_by IS NULL);
UPDATE admin_credentials SET prefix = id WHERE created_by IS NULL;
