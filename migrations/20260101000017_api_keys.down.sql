DROP INDEX user_secrets_user_id;
DROP INDEX user_secrets_encrypted_value_key;
ALTER TABLE user_secrets DROP COLUMN expires_at;
ALTER TABLE user_secrets DROP COLUMN prefix;
ALTER TABLE user_secrets DROP COLUMN name;
