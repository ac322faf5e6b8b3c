-- Credit commitments (信用承诺) and credit repair (信用修复), both made by an enterprise and
-- decided by a regulator. A decided row is never decided again: status moves forward only
-- (pending → kept/broken, pending → approved/rejected), and nothing is deleted.

CREATE TABLE commitments (
    id BIGSERIAL PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    text TEXT NOT NULL,
    -- What the commitment covers, e.g. product quality or on-time delivery.
    scope TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL CHECK (period_end >= period_start),
    status TEXT NOT NULL CHECK (status IN ('pending', 'kept', 'broken')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The regulator's decision and the credit event it created.
    decided_by TEXT,
    decided_at TIMESTAMP,
    explanation TEXT,
    credit_event_id BIGINT REFERENCES credit_events (id),
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX commitments_enterprise ON commitments (enterprise_code, id);

CREATE TABLE credit_repairs (
    id BIGSERIAL PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    -- Exactly one target: a negative credit event or a blacklist entry of the enterprise.
    credit_event_id BIGINT REFERENCES credit_events (id),
    list_entry_id BIGINT REFERENCES list_entries (id),
    -- What the enterprise corrected, and links to its evidence (a JSON array of {title, url}).
    corrections TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    applied_by TEXT NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    explanation TEXT,
    document_number TEXT,
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((credit_event_id IS NULL) <> (list_entry_id IS NULL))
);
CREATE INDEX credit_repairs_enterprise ON credit_repairs (enterprise_code, id);
CREATE INDEX credit_repairs_status ON credit_repairs (status, id);
-- One open application per target, even for two applications sent at once.
CREATE UNIQUE INDEX credit_repairs_open_event ON credit_repairs (credit_event_id)
    WHERE status = 'pending';
CREATE UNIQUE INDEX credit_repairs_open_entry ON credit_repairs (list_entry_id)
    WHERE status = 'pending';
