-- Images and volumes of the container platform become read models (issue: Container platform
-- II; ADR 0015's ids, ADR 0016's admission).
-- * Foreign keys from containers and container_volumes into container_images and volumes are
--   dropped, as 0016 dropped those between other projections' tables: each projection rebuilds
--   its own tables alone, and TRUNCATE refuses a table another table references.
-- * A volume of type config_map or secret names the config map or secret it mounts:
--   volumes.source_name (the seed has no column for it).
ALTER TABLE containers DROP CONSTRAINT containers_image_id_fkey;
ALTER TABLE container_volumes DROP CONSTRAINT container_volumes_volume_id_fkey;
ALTER TABLE volumes ADD COLUMN source_name VARCHAR(253);
