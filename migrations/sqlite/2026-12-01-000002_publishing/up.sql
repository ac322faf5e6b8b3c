-- Publishing: bank authorisations, signed credit reports, the report query log and the banks'
-- watch lists. Nothing here is ever deleted: revoking or expiring keeps the row.

CREATE TABLE authorizations (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    -- The bank (an organisation bank users belong to) that may pull full reports.
    bank_organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    scope TEXT NOT NULL,
    purpose TEXT NOT NULL,
    note TEXT,
    granted_at TIMESTAMP NOT NULL,
    granted_by TEXT NOT NULL,
    -- Live until the end of this day (UTC).
    expires_on DATE NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by TEXT,
    revocation_reason TEXT
);
CREATE INDEX authorizations_enterprise ON authorizations (enterprise_code, id);
CREATE INDEX authorizations_bank ON authorizations (bank_organisation_id, enterprise_code);

CREATE TABLE reports (
    report_no TEXT PRIMARY KEY NOT NULL,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    kind TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    valid_until TIMESTAMP NOT NULL,
    model_version TEXT,
    key_id TEXT NOT NULL,
    -- Who asked for it: a username, or 'anonymous'.
    requested_by TEXT NOT NULL,
    requester_role TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    authorization_id BIGINT REFERENCES authorizations (id),
    purpose TEXT NOT NULL,
    -- The signed report exactly as served: its canonical (RFC 8785) serialisation.
    document TEXT NOT NULL
);
CREATE INDEX reports_enterprise ON reports (enterprise_code, issued_at);

-- Every creation and read of a report (征信业管理条例: the enterprise may see who queried it).
CREATE TABLE report_queries (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    report_no TEXT NOT NULL REFERENCES reports (report_no),
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    purpose TEXT NOT NULL,
    authorization_id BIGINT REFERENCES authorizations (id),
    request_id TEXT,
    queried_at TIMESTAMP NOT NULL
);
CREATE INDEX report_queries_enterprise ON report_queries (enterprise_code, id);

-- A bank's portfolio: the enterprises it watches for grade and list changes.
CREATE TABLE watch_items (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    added_at TIMESTAMP NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (organisation_id, enterprise_code)
);
