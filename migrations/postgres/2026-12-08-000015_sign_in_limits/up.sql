-- The sign-in throttle's counts (db::sign_in_limits), shared by every instance on the database:
-- per account or address key, the GCRA theoretical arrival time in microseconds since the epoch.
CREATE TABLE sign_in_limits (
    key TEXT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL
);
CREATE INDEX sign_in_limits_tat ON sign_in_limits (tat);
