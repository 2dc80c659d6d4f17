-- When a host or co-host of a live Space was last seen connected (its live socket or microphone),
-- written by every node's heartbeat: the absence sweep ends Spaces whose hosts stayed away too long.
ALTER TABLE spaces ADD COLUMN managers_seen_at timestamptz;
CREATE INDEX spaces_live_managers ON spaces(status, managers_seen_at) WHERE status = 'live';
