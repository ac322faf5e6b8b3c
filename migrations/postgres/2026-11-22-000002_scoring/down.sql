DROP TABLE current_scores;
DROP TABLE scores;
DROP TABLE models;
