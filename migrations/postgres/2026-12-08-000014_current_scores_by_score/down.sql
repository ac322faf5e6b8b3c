DROP INDEX current_scores_score_id;
