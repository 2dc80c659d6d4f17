-- Issue 17: personal API tokens may expire (NULL = never).
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
