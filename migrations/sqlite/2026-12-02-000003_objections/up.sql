-- Objections (异议): an enterprise disputes one of its credit events or operating records; the
-- record is marked disputed until a regulator answers. Nothing is deleted: an objection goes
-- from open to answered once, and keeps the record as it was before and after the answer.

CREATE TABLE objections (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    -- Exactly one target.
    credit_event_id BIGINT REFERENCES credit_events (id),
    operating_record_id BIGINT REFERENCES operating_records (id),
    reason TEXT NOT NULL,
    -- JSON array of {title, url}.
    attachments TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    -- The record's status (credit event) or review status (operating record) before it was
    -- marked disputed, restored by an answer that does not set another.
    status_before_dispute TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    -- Last day of the answer period (filing day + 20 calendar days).
    deadline DATE NOT NULL,
    outcome TEXT CHECK (outcome IN ('corrected', 'partly_corrected', 'upheld')),
    explanation TEXT,
    answered_by TEXT,
    answered_at TIMESTAMP,
    answered_late BOOLEAN,
    -- JSON snapshots of the record just before and just after the answer.
    record_before TEXT,
    record_after TEXT,
    CHECK ((credit_event_id IS NULL) <> (operating_record_id IS NULL)),
    CHECK ((status = 'open') = (outcome IS NULL))
);
CREATE INDEX objections_enterprise ON objections (enterprise_code, id);
CREATE INDEX objections_queue ON objections (status, deadline);
-- One open objection per record.
CREATE UNIQUE INDEX objections_open_event ON objections (credit_event_id) WHERE status = 'open';
CREATE UNIQUE INDEX objections_open_operating ON objections (operating_record_id) WHERE status = 'open';
