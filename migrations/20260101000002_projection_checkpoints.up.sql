-- One row per projection (and per log consumer such as the AMQP relay): where it is in the log,
-- whether it runs, and why it stopped. A batch holds the projection's lease, a transaction-scoped
-- advisory lock (727275, hashtext(name)), so one process applies a projection at a time.
CREATE TABLE projection_checkpoints (
    name              text        NOT NULL,
    last_txid         xid8        NOT NULL DEFAULT '0',
    last_position     bigint      NOT NULL DEFAULT 0,
    events_applied    bigint      NOT NULL DEFAULT 0,
    status            text        NOT NULL DEFAULT 'running'
                                  CHECK (status IN ('running', 'failed', 'idle')),
    last_error        text,
    failed_event_id   uuid,
    failed_position   bigint,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projection_checkpoints_pkey PRIMARY KEY (name)
);
