ALTER TABLE score_runs DROP COLUMN grades;
DROP TABLE grade_tallies;
