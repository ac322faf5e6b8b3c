-- Scoring: model versions (one active), every stored score, and each enterprise's current grade.

CREATE TABLE models (
    version TEXT PRIMARY KEY NOT NULL,
    -- The whole artifact (as in models/VERSION.json), so every instance scores alike.
    artifact TEXT NOT NULL,
    -- Training summary and holdout metrics, for listings without parsing the artifact.
    summary TEXT NOT NULL,
    trained_at TIMESTAMP NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    active BOOLEAN NOT NULL DEFAULT FALSE,
    activated_at TIMESTAMP,
    activated_by TEXT
);

CREATE TABLE scores (
    id INTEGER PRIMARY KEY,
    enterprise_code TEXT NOT NULL REFERENCES enterprises (code),
    model_version TEXT NOT NULL REFERENCES models (version),
    as_of DATE NOT NULL,
    scored_at TIMESTAMP NOT NULL,
    scored_by TEXT NOT NULL,
    pd_lr DOUBLE NOT NULL,
    pd_rf DOUBLE NOT NULL,
    pd DOUBLE NOT NULL,
    score DOUBLE NOT NULL,
    model_grade TEXT NOT NULL,
    evaluated_grade TEXT NOT NULL,
    grade TEXT NOT NULL,
    upgrade_pending BOOLEAN NOT NULL,
    adjustments TEXT NOT NULL,
    sub_scores TEXT NOT NULL,
    reasons TEXT NOT NULL
);
CREATE INDEX scores_enterprise ON scores (enterprise_code, id);

CREATE TABLE current_scores (
    enterprise_code TEXT PRIMARY KEY NOT NULL REFERENCES enterprises (code),
    score_id BIGINT NOT NULL REFERENCES scores (id),
    model_version TEXT NOT NULL,
    as_of DATE NOT NULL,
    score DOUBLE NOT NULL,
    evaluated_grade TEXT NOT NULL,
    grade TEXT NOT NULL
);
CREATE INDEX current_scores_grade ON current_scores (grade);
CREATE INDEX current_scores_score ON current_scores (score);
