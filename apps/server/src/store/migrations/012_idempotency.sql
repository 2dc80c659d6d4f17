-- Issue 17: a POST sent with an Idempotency-Key answers its retries from here (see http/idempotency.ts).
CREATE TABLE idempotency_keys (
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key text NOT NULL,
  -- method, URL and a hash of the body: the same key for another request is refused
  request text NOT NULL,
  -- NULL while the first request runs
  status integer,
  body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
