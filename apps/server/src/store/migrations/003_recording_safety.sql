-- Moderators review reports; a suspended account may read and appeal, nothing else.
ALTER TABLE users ADD COLUMN moderator boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN suspended_at timestamptz;

-- One recording per Space: speakers' tracks while live, one mixdown after the end.
CREATE TABLE recordings (
  space_id text PRIMARY KEY REFERENCES spaces(id) ON DELETE CASCADE,
  status text NOT NULL,
  public boolean NOT NULL DEFAULT false,
  duration_ms integer,
  opus_bytes bigint,
  m4a_bytes bigint,
  retain_until timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  ready_at timestamptz
);
CREATE INDEX recordings_retain ON recordings(retain_until);

-- Each speaker connection's Opus packets in one Ogg file, placed on the Space's timeline by offset_ms.
CREATE TABLE recording_tracks (
  id text PRIMARY KEY,
  space_id text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  user_id text NOT NULL,
  file text NOT NULL,
  offset_ms integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recording_tracks_space ON recording_tracks(space_id);

-- Durable work: a job runs at run_at, on one node (locked_until), again after a failure.
CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  -- At most one pending job per key (e.g. mixdown:SPACE).
  key text UNIQUE,
  payload jsonb NOT NULL,
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs(run_at);

-- How far into the Space a report was made (where a moderator starts listening).
ALTER TABLE reports ADD COLUMN offset_ms integer;

-- Every decision on a report, kept with who and why.
CREATE TABLE report_decisions (
  id text PRIMARY KEY,
  report_id text NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  moderator_id text NOT NULL REFERENCES users(id),
  stage text NOT NULL,
  verdict text NOT NULL,
  reason text NOT NULL,
  suspended boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, stage)
);

-- One appeal per report, by its accountable person.
CREATE TABLE appeals (
  report_id text PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
  appellant_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  statement text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
