-- Final captions: the Space's transcript. Deleted with the recording when retention ends.
CREATE TABLE transcript_segments (
  id text PRIMARY KEY,
  space_id text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  user_id text NOT NULL,
  start_ms integer NOT NULL,
  end_ms integer NOT NULL,
  text text NOT NULL,
  engine text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transcript_segments_space ON transcript_segments(space_id, start_ms);
