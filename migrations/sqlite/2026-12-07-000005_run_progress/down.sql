ALTER TABLE score_runs DROP COLUMN total;
