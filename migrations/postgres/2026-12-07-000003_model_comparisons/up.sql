-- Champion and challenger: a comparison of a model version (the challenger) with the version
-- active when it was made (the champion), on the challenger's holdout and on the population
-- as of a date; its body is the comparison as JSON (metrics, grade migration matrix, PSI).
-- Replacing the active model needs a comparison of the two, and every activation is kept with
-- its reason and the comparison it relied on.
CREATE TABLE model_comparisons (
    id BIGSERIAL PRIMARY KEY,
    challenger TEXT NOT NULL REFERENCES models (version),
    champion TEXT NOT NULL REFERENCES models (version),
    computed_at TIMESTAMP NOT NULL,
    computed_by TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX model_comparisons_pair ON model_comparisons (challenger, champion);

CREATE TABLE model_activations (
    id BIGSERIAL PRIMARY KEY,
    version TEXT NOT NULL REFERENCES models (version),
    replaced TEXT REFERENCES models (version),
    comparison_id BIGINT REFERENCES model_comparisons (id),
    reason TEXT NOT NULL,
    activated_at TIMESTAMP NOT NULL,
    activated_by TEXT NOT NULL
);
CREATE INDEX model_activations_version ON model_activations (version);
