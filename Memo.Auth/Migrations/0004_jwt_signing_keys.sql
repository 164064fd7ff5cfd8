-- Signing keys of every algorithm but RS256 (ES256 today), as PKCS#8. RS256 keys stay in signing_keys: Memo.Auth
-- before ES256 reads that table with "SELECT kid, private_key, created_at FROM signing_keys" and imports every row as
-- RSA, so an instance of it still running beside new ones during a rolling upgrade never meets a key it cannot read.
CREATE TABLE jwt_signing_keys (
    kid text PRIMARY KEY,
    algorithm text NOT NULL,
    private_key bytea NOT NULL,
    created_at timestamptz NOT NULL
);
