-- The in-memory grade index (db::grade_index) reads current scores by score id: all of them in
-- id order when it loads, and the ones past the highest id it has seen (SQLite) or a notified
-- id range (PostgreSQL) as they change.
CREATE INDEX current_scores_score_id ON current_scores (score_id);
