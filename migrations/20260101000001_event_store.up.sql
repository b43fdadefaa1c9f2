-- The event store: postgres-es's `events` and `snapshots` tables, with the extra columns edgedev
-- needs for ordered, horizon-safe log reading (DESIGN.md §3, docs/adr/0002-log-order-and-horizon.md).

CREATE TABLE events (
    aggregate_type  text        NOT NULL,
    aggregate_id    text        NOT NULL,
    sequence        bigint      NOT NULL CHECK (sequence >= 0),
    event_type      text        NOT NULL,
    event_version   text        NOT NULL,
    payload         jsonb       NOT NULL,
    metadata        jsonb       NOT NULL,
    global_position bigint      GENERATED ALWAYS AS IDENTITY,
    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
    event_id        uuid        NOT NULL DEFAULT gen_random_uuid(),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_pkey PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE UNIQUE INDEX events_global_position_key ON events (global_position);
CREATE UNIQUE INDEX events_event_id_key ON events (event_id);
-- Projectors scan the log in commit-safe order: (transaction_id, global_position).
CREATE INDEX events_transaction_order_idx ON events (transaction_id, global_position);

CREATE TABLE snapshots (
    aggregate_type   text   NOT NULL,
    aggregate_id     text   NOT NULL,
    last_sequence    bigint NOT NULL CHECK (last_sequence >= 0),
    current_snapshot bigint NOT NULL CHECK (current_snapshot >= 0),
    payload          jsonb  NOT NULL,
    CONSTRAINT snapshots_pkey PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- Wake projectors: one notification per inserting statement, delivered at commit.
CREATE FUNCTION edgedev_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('edgedev_events', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION edgedev_notify_events();

-- Write-side uniqueness reservations (docs/adr/0003-uniqueness-reservations.md): claimed in the
-- same transaction as the append that needs them, released by the append that gives them up.
CREATE TABLE unique_reservations (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    aggregate_id text        NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT unique_reservations_pkey PRIMARY KEY (scope, key)
);
CREATE INDEX unique_reservations_aggregate_idx ON unique_reservations (aggregate_id);

-- Idempotency records: the first result of a command sent with an Idempotency-Key, stored in the
-- transaction of its append, so a retry returns it and appends nothing.
CREATE TABLE idempotency_keys (
    user_id        text        NOT NULL,
    key            text        NOT NULL,
    fingerprint    text        NOT NULL,
    status         smallint    NOT NULL,
    response       jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
);
