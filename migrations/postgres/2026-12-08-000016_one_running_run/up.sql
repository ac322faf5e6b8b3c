-- One rescoring run at a time, whichever instance starts it: two started at once by two
-- instances would score the same enterprises twice (db::runs::start). Runs that overlapped
-- before keep the newest as running; the next start settles whether its executor lives.
UPDATE score_runs SET status = 'interrupted', finished_at = started_at
WHERE status = 'running' AND id < (SELECT MAX(id) FROM score_runs WHERE status = 'running');
CREATE UNIQUE INDEX score_runs_one_running ON score_runs (status) WHERE status = 'running';
