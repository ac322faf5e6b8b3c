-- The audit trail: one entry per write and per read of private data, hash-chained (see
-- src/domain/audit.rs). Append-only: the triggers refuse updates and deletes, and the chain
-- exposes whoever goes around them.

CREATE TABLE audit_log (
    -- 1, 2, 3, ... without gaps: the position in the chain.
    seq BIGINT PRIMARY KEY NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT,
    organisation_id BIGINT,
    actor_enterprise TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    enterprise_code TEXT,
    status INTEGER NOT NULL,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_enterprise ON audit_log (enterprise_code, seq);
CREATE INDEX audit_log_recorded_at ON audit_log (recorded_at);

-- The newest entry's number and hash. Appending updates this one row first, which serialises
-- concurrent appends (the row lock in PostgreSQL, the single writer in SQLite); verification
-- compares it with the last entry, so deleting the newest entries is detected too.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
