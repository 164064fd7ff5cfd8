-- pg_trgm serves substring search (ILIKE '%q%') in any script; btree_gin lets the owner lead the GIN indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE notes (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL,
    title text NOT NULL,
    content text NOT NULL,
    tags text[] NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version integer NOT NULL
);

-- Listing, newest first, and its keyset pagination: WHERE owner_id = $1 AND (created_at, id) < ($2, $3).
CREATE INDEX notes_by_owner_newest ON notes (owner_id, created_at DESC, id DESC);
-- tag=: WHERE owner_id = $1 AND tags @> ARRAY[$2].
CREATE INDEX notes_by_owner_tags ON notes USING gin (owner_id, tags);
-- q=: WHERE owner_id = $1 AND (title ILIKE $2 OR content ILIKE $2).
CREATE INDEX notes_by_owner_title_trgm ON notes USING gin (owner_id, title gin_trgm_ops);
CREATE INDEX notes_by_owner_content_trgm ON notes USING gin (owner_id, content gin_trgm_ops);
