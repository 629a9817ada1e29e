-- Per-course player settings (PATCH /v1/courses/{id}): the data-model validation the run-time
-- applies (larch_cmi::Strictness, `forgiving` or `strict`) and where the content opens
-- (`frame`: in the player's iframe; `new_window`: in its own window, the API reached through
-- `opener`). A player session keeps the values its launch read, so a change applies from the
-- next launch and never in the middle of a session.
ALTER TABLE courses ADD COLUMN strictness TEXT NOT NULL DEFAULT 'forgiving';
ALTER TABLE courses ADD COLUMN content_window TEXT NOT NULL DEFAULT 'frame';
ALTER TABLE player_sessions ADD COLUMN strictness TEXT NOT NULL DEFAULT 'forgiving';
ALTER TABLE player_sessions ADD COLUMN content_window TEXT NOT NULL DEFAULT 'frame';
