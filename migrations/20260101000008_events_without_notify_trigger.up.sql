-- Appending transactions no longer NOTIFY: a notifying transaction takes a database-wide lock at
-- commit, so every append committed one at a time. The appending process wakes its own
-- projection runners in memory and tells other processes with one NOTIFY per burst of appends,
-- outside the appending transactions (db::announce_appends).
DROP TRIGGER IF EXISTS events_notify ON events;
DROP FUNCTION IF EXISTS edgedev_notify_events();
