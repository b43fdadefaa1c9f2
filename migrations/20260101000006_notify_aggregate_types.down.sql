DROP TRIGGER events_notify ON events;
CREATE OR REPLACE FUNCTION edgedev_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('edgedev_events', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION edgedev_notify_events();
