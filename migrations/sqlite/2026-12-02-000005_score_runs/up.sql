-- Rescoring runs started through the API. A run stores its scores chunk by chunk, each chunk
-- in one transaction; a run that was going when the service stopped is marked interrupted on
-- the next start (the chunks it stored stay, each whole).
CREATE TABLE score_runs (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    model_version TEXT NOT NULL,
    as_of DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    started_by TEXT NOT NULL,
    finished_at TIMESTAMP,
    scored BIGINT,
    error TEXT
);
CREATE INDEX score_runs_status ON score_runs (status);
