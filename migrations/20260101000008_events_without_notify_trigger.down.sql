CREATE OR REPLACE FUNCTION edgedev_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    types text;
BEGIN
    SELECT string_agg(DISTINCT aggregate_type, ',') INTO types FROM inserted;
    PERFORM pg_notify('edgedev_events', coalesce(types, ''));
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION edgedev_notify_events();
