-- A group of run-time commits is written by one statement that locks nothing before it writes
-- (larch-store/src/sql/pg_runtime_batch.rs; docs/runtime.md, "Performance"): each save's
-- rollup update takes its registration's lock, its state is written over the expected
-- revision only if the rollup was, and its transcript and session rows only if the state was.
-- A save refused half-way (a lost race, a session ended meanwhile, a write to an older
-- instance) would leave its rollup behind, so the statement's answer passes every save through
-- this function, which fails the statement (SQLSTATE LR001) unless the save was written whole:
-- the whole statement is then undone, and the store writes the group again save by save with
-- the statements that lock first and tell those outcomes apart.
CREATE FUNCTION larch_save_written(written BOOLEAN) RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF written THEN
        RETURN TRUE;
    END IF;
    RAISE EXCEPTION 'a run-time save of this statement could not be written whole'
        USING ERRCODE = 'LR001';
END
$$;
