-- Secrets Auth generates once and every replica shares, by name: "device-tokens" signs the login throttle's device tokens.
CREATE TABLE secrets (
    name text PRIMARY KEY,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL
);
