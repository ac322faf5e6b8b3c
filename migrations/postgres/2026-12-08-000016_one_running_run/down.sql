DROP INDEX score_runs_one_running;
