-- What enterprises submit about themselves (self-maintenance), checked at once and either
-- applied or held for review. Kept after the decision: the status says what became of it.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    status TEXT NOT NULL,
    -- The submission as sent (JSON), and why it waits (JSON list of field and message).
    content TEXT NOT NULL,
    findings TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    submitted_by TEXT NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT,
    decision_reason TEXT,
    -- Ids of the operating records it created (JSON list), once applied.
    applied_records TEXT NOT NULL
);
CREATE INDEX submissions_enterprise ON submissions (enterprise_code, id);
CREATE INDEX submissions_status ON submissions (status, id);
