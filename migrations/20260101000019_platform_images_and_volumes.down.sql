ALTER TABLE volumes DROP COLUMN source_name;
ALTER TABLE container_volumes ADD CONSTRAINT container_volumes_volume_id_fkey
    FOREIGN KEY (volume_id) REFERENCES volumes(id) ON DELETE CASCADE;
ALTER TABLE containers ADD CONSTRAINT containers_image_id_fkey
    FOREIGN KEY (image_id) REFERENCES container_images(id);
