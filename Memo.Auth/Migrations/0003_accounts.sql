-- A deleted account's sessions stay, revoked, until their last access token expires: the Redis revocation cache is
-- rebuilt from these rows when Redis loses its data. Deleting the user now only forgets whose they were. The key still
-- guards the insert of a new session: a login that races the deletion of its account fails instead of creating one.
ALTER TABLE sessions ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;

-- Sessions are deleted once nothing needs them (SessionCleanup): unrevoked ones when they expire, revoked ones when
-- their revocation does (sessions_revocations serves those).
CREATE INDEX sessions_expiry ON sessions (expires_at) WHERE revoked_at IS NULL;

-- Transactional outbox: events written in the same transaction as the change they report, published to the Redis
-- stream memo:events by OutboxRelay. Sent rows are kept for a retention period, to be published again if Redis loses
-- the stream.
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type text NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
