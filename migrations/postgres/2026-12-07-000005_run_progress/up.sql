-- How far a running run has got: `total` enterprises when it started, and `scored` (until now
-- set only at the end) moved on after every stored chunk, so a person can watch it.
ALTER TABLE score_runs ADD COLUMN total BIGINT;
