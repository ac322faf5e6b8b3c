-- The registry: accounts, enterprises and their records, and the change history.
-- Timestamps are UTC. JSON values are stored as text (the multi-backend connection has no JSON type).

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'regulator', 'bank', 'enterprise')),
    enterprise_code TEXT,
    organisation_id BIGINT REFERENCES organisations (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE enterprises (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    legal_rep_id_number TEXT,
    legal_rep_phone TEXT,
    registered_capital DOUBLE NOT NULL,
    established_on DATE NOT NULL,
    region_code TEXT NOT NULL,
    industry TEXT NOT NULL,
    business_models TEXT NOT NULL,
    platforms TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region_code);
CREATE INDEX enterprises_industry ON enterprises (industry);
CREATE INDEX enterprises_status ON enterprises (status);
CREATE INDEX enterprises_name ON enterprises (name);

CREATE TABLE operating_records (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    period TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    online_sales DOUBLE NOT NULL,
    orders BIGINT NOT NULL,
    refund_rate DOUBLE,
    complaints BIGINT,
    on_time_delivery_rate DOUBLE,
    positive_review_rate DOUBLE,
    employees BIGINT,
    tax_paid DOUBLE,
    cross_border_trade DOUBLE,
    quality_checks BIGINT,
    quality_checks_failed BIGINT,
    source TEXT NOT NULL,
    review_status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    UNIQUE (enterprise_code, period)
);
CREATE INDEX operating_records_period ON operating_records (enterprise_code, period_start);

CREATE TABLE credit_events (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    kind TEXT NOT NULL,
    polarity TEXT NOT NULL,
    severity TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    authority TEXT NOT NULL,
    document_number TEXT,
    decided_on DATE NOT NULL,
    publicity_until DATE,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX credit_events_enterprise ON credit_events (enterprise_code, decided_on);
CREATE UNIQUE INDEX credit_events_document ON credit_events (authority, document_number);

CREATE TABLE sentiment_records (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    source_kind TEXT NOT NULL,
    source_name TEXT NOT NULL,
    title TEXT NOT NULL,
    excerpt TEXT,
    url TEXT,
    published_at TIMESTAMP NOT NULL,
    polarity DOUBLE NOT NULL,
    polarity_computed BOOLEAN NOT NULL,
    topic TEXT,
    source TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX sentiment_records_enterprise ON sentiment_records (enterprise_code, published_at);

CREATE TABLE associations (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    kind TEXT NOT NULL,
    related_code TEXT,
    related_name TEXT NOT NULL,
    share_ratio DOUBLE,
    amount DOUBLE,
    valid_from DATE,
    valid_until DATE,
    note TEXT,
    source TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX associations_enterprise ON associations (enterprise_code);
CREATE INDEX associations_related ON associations (related_code);

CREATE TABLE change_history (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    source TEXT NOT NULL,
    reason TEXT,
    request_id TEXT,
    changes TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX change_history_enterprise ON change_history (enterprise_code, id);
