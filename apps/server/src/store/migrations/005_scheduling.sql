-- Scheduled Spaces: when one is meant to start (kept in the room state too; this column is for lists).
ALTER TABLE spaces ADD COLUMN scheduled_for timestamptz;
CREATE INDEX spaces_upcoming ON spaces(status, scheduled_for);

-- Who wants to be told when a scheduled Space starts (or moves, or is cancelled).
CREATE TABLE space_reminders (
  space_id text NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (space_id, user_id)
);
CREATE INDEX space_reminders_user ON space_reminders(user_id);

-- A notification with a key is stored once: a job that runs again after a crash (or on another
-- node) does not tell anyone twice.
ALTER TABLE notifications ADD COLUMN key text UNIQUE;
