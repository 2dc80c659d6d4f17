-- Issue 16: the language a person reads the app in (en, nl, es), for the texts the server writes
-- to them (pushes). NULL until the app first says which language it shows.
ALTER TABLE users ADD COLUMN language text;
