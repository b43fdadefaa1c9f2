-- user_secrets holds the users' API keys (issue: Container platform I): secret_type 'api_key' and
-- encrypted_value the SHA-256 digest of the key (the key itself is shown once and kept nowhere).
-- Columns a person needs to tell keys apart and when they end, and the digest looked up on each
-- authenticated request.
ALTER TABLE user_secrets ADD COLUMN name varchar(100);
ALTER TABLE user_secrets ADD COLUMN prefix varchar(16);
ALTER TABLE user_secrets ADD COLUMN expires_at timestamp with time zone;
CREATE UNIQUE INDEX user_secrets_encrypted_value_key ON user_secrets (encrypted_value);
CREATE INDEX user_secrets_user_id ON user_secrets (user_id);
