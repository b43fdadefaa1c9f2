-- Released packages (the admin toolbox, reference 1.7): no seed table holds them, so this one has
-- the original's ReleasedPackage fields, the archive it holds, and its latest release from the
-- toolbox.
CREATE TABLE tbl_released_package (
    id                     varchar(255) NOT NULL,
    app_store_app_id       varchar(255) NOT NULL,
    app_store_package_id   varchar(255) NOT NULL,
    name                   varchar(255) NOT NULL,
    version                varchar(255) DEFAULT NULL,
    provider               varchar(255) DEFAULT NULL,
    industry               varchar(255) DEFAULT NULL,
    type                   varchar(255) DEFAULT NULL,
    architecture           varchar(255) DEFAULT NULL,
    short_desc             text         DEFAULT NULL,
    synchronize_date       timestamptz  NOT NULL,
    user_id                varchar(255) NOT NULL,
    user_name              varchar(255) NOT NULL,
    test_task_id           varchar(255) DEFAULT NULL,
    package_file_name      varchar(255) NOT NULL,
    file_id                varchar(255) NOT NULL,
    signed                 boolean      NOT NULL DEFAULT false,
    republished_app_id     varchar(255) DEFAULT NULL,
    republished_package_id varchar(255) DEFAULT NULL,
    republish_date         timestamptz  DEFAULT NULL,
    CONSTRAINT tbl_released_package_pkey PRIMARY KEY (id)
);
CREATE INDEX tbl_released_package_synchronized_idx ON tbl_released_package (synchronize_date);
