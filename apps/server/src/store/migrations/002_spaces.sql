ALTER TABLE messages ADD COLUMN action jsonb;

CREATE TABLE spaces (
  id text PRIMARY KEY,
  host_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title text NOT NULL,
  topics text[] NOT NULL DEFAULT '{}',
  status text NOT NULL,
  -- The whole room state (protocol RoomState) and its sequence number: one writer, under a row lock.
  room jsonb NOT NULL,
  seq integer NOT NULL DEFAULT 0,
  listener_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  ended_at timestamptz
);
CREATE INDEX spaces_live ON spaces(status, started_at DESC);
CREATE INDEX spaces_host ON spaces(host_id, created_at DESC);

-- Every room event in order, for clients that reconnect with ?since=SEQ.
CREATE TABLE space_events (
  space_id text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, seq)
);

-- Who is on stage now, kept with the room state, so discovery can find followed people.
CREATE TABLE space_stage (
  space_id text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL,
  PRIMARY KEY (space_id, user_id)
);
CREATE INDEX space_stage_user ON space_stage(user_id);

-- Reports for the review queue (a later issue builds the queue).
CREATE TABLE reports (
  id text PRIMARY KEY,
  reporter_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  space_id text REFERENCES spaces(id) ON DELETE CASCADE,
  reported_user_id text REFERENCES users(id) ON DELETE CASCADE,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'open',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_status ON reports(status, created_at);
