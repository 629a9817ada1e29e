-- Run-time saves update `runtime_states`, `registrations` (the rollup) and `player_sessions`
-- on every commit. An update that changes no indexed column and finds room on its row's page
-- is HOT (heap-only): it writes no index entry, and its page's dead versions are pruned when
-- the page is next read, without a vacuum. In a profile at 512 sessions B-tree inserts were
-- 15 % of the PostgreSQL backends' CPU; in the benchmarks of this migration 0-26 % of state
-- updates were HOT before it (docs/runtime.md, "Performance").

-- `last_seen_at` moves on every commit a second or more after the session's previous one, so
-- while it was a key of `player_sessions_open` no such update of a session could be HOT, and
-- each wrote an entry in all five indexes of the table. The abandoned-session sweeper
-- (larch-server/src/player/sweeper.rs: open sessions with `last_seen_at` older than the
-- timeout) is the only reader of this index; it now reads every open session through it and
-- filters them by `last_seen_at`, once per pass (by default a minute), instead of reading only
-- the stale ones. `ended_at` stays the index's predicate: it changes only when a session ends,
-- an update that cannot be HOT anyway.
DROP INDEX player_sessions_open;
CREATE INDEX player_sessions_open ON player_sessions (seq) WHERE ended_at IS NULL;

-- A HOT update also needs room for the new row version on the old one's page, until the old
-- version is pruned (when the page is next read and the version is dead to every transaction).
-- A state or a session row is 1.5-2 kB (the state's JSON, the step sent to the player), so a
-- full page (4 such rows) rarely had room. In alternated benchmarks with `last_seen_at` out
-- of the index, half of each page left free (2 rows and room for 2 new versions) made 50-99 %
-- of state updates HOT, 30 % free 25-90 %. A registration row is about 200 bytes, so 30 % of
-- a page is room for ten.
-- The cost is space: these tables take up to twice the pages (player_sessions also holds the
-- ended sessions, the launch history). Pages already written keep their layout until they are
-- rewritten (VACUUM FULL, CLUSTER).
ALTER TABLE runtime_states SET (fillfactor = 50);
ALTER TABLE player_sessions SET (fillfactor = 50);
ALTER TABLE registrations SET (fillfactor = 70);
