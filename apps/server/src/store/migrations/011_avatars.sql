-- Profile pictures. users.avatar is the version (a hash of the stored image) of the current one,
-- null for initials; it is part of the picture's URL, so a new picture is a new URL and an old URL
-- can be cached for ever. The image (square WebP made on upload) lives in the database so every
-- node serves it.
ALTER TABLE users ADD COLUMN avatar text;

CREATE TABLE avatars (
  user_id text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  version text NOT NULL,
  image bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
