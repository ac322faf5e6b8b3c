-- Accounts carry a version, for If-Match on their changes (role, organisation, enterprise,
-- disabled, password): each change moves it on.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
