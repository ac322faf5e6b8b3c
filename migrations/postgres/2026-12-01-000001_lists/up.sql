-- The credit lists: the blacklist (严重失信名单) and the redlist (守信激励名单). Rules propose
-- entries, regulators confirm, reject or add them directly, and end them by credit repair
-- (信用修复) or let them expire. Nothing is ever deleted: an entry's status moves forward only.
-- "Current" is derived: status active, started, and not past expires_on.

CREATE TABLE list_entries (
    id BIGSERIAL PRIMARY KEY,
    list TEXT NOT NULL CHECK (list IN ('blacklist', 'redlist')),
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'rejected', 'removed')),
    reason TEXT NOT NULL,
    -- Completed by the regulator who confirms a proposal; set for every confirmed entry.
    legal_basis TEXT,
    authority TEXT,
    document_number TEXT,
    starts_on DATE NOT NULL,
    expires_on DATE,
    -- A username, or `rule:<name>` for a rule's proposal.
    proposed_by TEXT NOT NULL,
    proposed_rule TEXT,
    proposed_at TIMESTAMP NOT NULL,
    -- Who confirmed or rejected it, and when.
    decided_by TEXT,
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    -- Credit repair: who removed it, when, and the decision it was removed by.
    removed_by TEXT,
    removed_at TIMESTAMP,
    removal_decision TEXT,
    removal_document_number TEXT,
    removal_decided_on DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX list_entries_list_status ON list_entries (list, status);
CREATE INDEX list_entries_enterprise ON list_entries (enterprise_code);
