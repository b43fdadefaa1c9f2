DROP TABLE IF EXISTS event_chain;
DELETE FROM projection_checkpoints WHERE name = 'event_chain';
