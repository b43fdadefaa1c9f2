DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS unique_reservations;
DROP TRIGGER IF EXISTS events_notify ON events;
DROP FUNCTION IF EXISTS edgedev_notify_events();
DROP TABLE IF EXISTS snapshots;
DROP TABLE IF EXISTS events;
