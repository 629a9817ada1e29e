-- Registration instances on new course versions: when a launch starts a new instance
-- (larch_runtime::InstancePolicy: `never`, `on_new_version`, `on_new_version_or_completed`).
-- The course's policy applies to its registrations; a registration may carry its own
-- (NULL: the course's). Earlier instances keep their rows in runtime_states (already keyed
-- by instance, scoped and under row-level security since 0004), so their results stay readable.
ALTER TABLE courses ADD COLUMN instance_policy TEXT NOT NULL DEFAULT 'never';
ALTER TABLE registrations ADD COLUMN instance_policy TEXT;
