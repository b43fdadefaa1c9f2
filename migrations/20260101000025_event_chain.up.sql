-- The tamper-evident chain over the log (docs/adr/0022-tamper-evident-log.md): one row per event,
-- in the projectors' order (transaction id, global position), each `hash` the SHA-256 of the
-- previous link's hash and the event's canonical bytes. Filled by the chainer, a checkpointed
-- consumer (`event_chain`) like the relay, so appends stay concurrent and `events` stays
-- insert-only; `edgedev verify chain` walks it.
CREATE TABLE event_chain (
    link            bigint      PRIMARY KEY CHECK (link >= 1),
    global_position bigint      NOT NULL UNIQUE,
    event_id        uuid        NOT NULL,
    hash            bytea       NOT NULL CHECK (length(hash) = 32),
    chained_at      timestamptz NOT NULL DEFAULT now()
);
