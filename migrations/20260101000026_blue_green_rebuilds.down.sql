ALTER TABLE projection_checkpoints
    DROP COLUMN IF EXISTS rebuild_done,
    DROP COLUMN IF EXISTS rebuild_total,
    DROP COLUMN IF EXISTS rebuild_started_at;
