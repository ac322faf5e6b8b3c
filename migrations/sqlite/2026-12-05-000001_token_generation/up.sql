-- Tokens carry the generation of the account they were issued for; disabling the account moves
-- the generation on, so tokens issued before stay dead after the account is enabled again.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
