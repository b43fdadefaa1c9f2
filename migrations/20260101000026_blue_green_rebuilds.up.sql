-- A blue-green rebuild in progress (docs/audit.md): the projection is rebuilt into a shadow
-- schema while its live tables keep answering; these columns show how far it is, for
-- `GET /api/v1/projections` and the CLI. NULL when no such rebuild runs.
ALTER TABLE projection_checkpoints
    ADD COLUMN rebuild_done       bigint,
    ADD COLUMN rebuild_total      bigint,
    ADD COLUMN rebuild_started_at timestamptz;
