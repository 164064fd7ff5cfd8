CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    email_normalized text NOT NULL UNIQUE,
    display_name text,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL
);

-- A session is one login; its refresh tokens rotate, its access tokens carry its id as "sid".
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    -- When the last access token of a revoked session expires: the revocation matters until then.
    revocation_expires_at timestamptz,
    -- False until the revocation is written to the Redis revocation cache.
    revocation_mirrored boolean NOT NULL DEFAULT false
);
CREATE INDEX sessions_active_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_revocations ON sessions (revocation_expires_at) WHERE revoked_at IS NOT NULL;
CREATE INDEX sessions_revocations_unmirrored ON sessions (revocation_expires_at) WHERE revoked_at IS NOT NULL AND NOT revocation_mirrored;

-- Only a SHA-256 of each refresh token is kept. used_at is set when it is rotated; presenting it again is reuse.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- RSA private keys (PKCS#8). The newest signs; older ones stay published until their tokens have expired.
CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    private_key bytea NOT NULL,
    created_at timestamptz NOT NULL
);
